/**
 * The {@code loca} command line (picocli): subcommands, one-line user errors, exit codes. Imports the
 * project modules it drives.
 */
package dev.loca.train.cli;
