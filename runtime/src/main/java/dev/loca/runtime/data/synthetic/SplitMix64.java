package dev.loca.runtime.data.synthetic;

/**
 * Steele, Lea and Flood's SplitMix64: a tiny, fast generator whose output is fixed by its seed on every JVM
 * (unlike {@code Math.random}, and with a published algorithm unlike {@code java.util.Random}'s subclasses).
 * Also offers the stateless {@link #mix} finaliser for hashing coordinates. Not thread-safe.
 */
final class SplitMix64 {
  private static final long GOLDEN_GAMMA = 0x9e3779b97f4a7c15L;
  private long state;

  SplitMix64(long seed) {
    this.state = seed;
  }

  long nextLong() {
    state += GOLDEN_GAMMA;
    return mix(state);
  }

  /** Uniform in [0, 1) with 53 random bits. */
  double nextDouble() {
    return (nextLong() >>> 11) * 0x1.0p-53;
  }

  double uniform(double lo, double hi) {
    return lo + (hi - lo) * nextDouble();
  }

  /** Uniform in [0, bound). */
  int nextInt(int bound) {
    return (int) ((nextLong() >>> 33) % bound);
  }

  /** The SplitMix64 output function: a bijective 64-bit hash. */
  static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }

  /** A hash of three values, for per-pixel and per-cell noise. */
  static long hash(long a, long b, long c) {
    return mix(mix(mix(a + GOLDEN_GAMMA) ^ b) + c);
  }
}
