package dev.loca.runtime.data;

/**
 * Seeds derived from a run seed and coordinates such as (epoch, position), so that every sample draws its
 * random numbers from its own generator and results do not depend on which thread made them.
 */
public final class SampleSeeds {
  private SampleSeeds() {}

  /** A well-mixed seed for (seed, a, b); distinct inputs give unrelated outputs. */
  public static long mix(long seed, long a, long b) {
    return finish(finish(finish(seed) ^ a * 0x9E3779B97F4A7C15L) ^ b * 0xC2B2AE3D27D4EB4FL);
  }

  /** The SplitMix64 finaliser. */
  private static long finish(long z) {
    z += 0x9E3779B97F4A7C15L;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
