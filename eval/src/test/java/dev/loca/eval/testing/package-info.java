/** Test fixtures shared through eval's test-jar: tiny segmenter folders whose predictions Java can compute. */
package dev.loca.eval.testing;
