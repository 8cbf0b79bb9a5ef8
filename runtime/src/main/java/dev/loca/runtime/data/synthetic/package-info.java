/**
 * The embedded default dataset: procedurally generated scenes of textured shapes on textured backgrounds,
 * with exact per-pixel class masks. Needs no download; the same seed and index give the same pixels on
 * every JVM (own integer RNG, IEEE double arithmetic and {@link java.lang.StrictMath} only).
 */
package dev.loca.runtime.data.synthetic;
