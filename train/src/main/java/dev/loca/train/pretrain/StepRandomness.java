package dev.loca.train.pretrain;

import dev.loca.graphs.loca.LocaConfig;
import dev.loca.graphs.vit.DropPath;
import dev.loca.runtime.data.SampleSeeds;
import java.util.SplittableRandom;

/**
 * Where a step's random inputs come from: a generator seeded by (seed, step, micro-batch), so that a run,
 * and a run resumed at any step, draws the same numbers.
 *
 * @param seed the run seed
 * @param dropPath whether stochastic depth is on (rate linear in depth, in the teacher too); off gives
 *     multipliers of 1
 */
public record StepRandomness(long seed, boolean dropPath) {
  /** Stochastic depth on, as in the recipe. */
  public static StepRandomness seeded(long seed) {
    return new StepRandomness(seed, true);
  }

  /** The random inputs of step {@code t}, micro-batch {@code micro}, for {@code batch} images. */
  public Draws draw(LocaConfig c, int batch, long t, int micro) {
    SplittableRandom rng = new SplittableRandom(SampleSeeds.mix(seed, t, micro));
    int focalBatch = batch * c.focalQueries();
    float[] teacher = dropPath(c, batch, rng);
    float[] query0 = dropPath(c, batch, rng);
    float[] focal = dropPath(c, focalBatch, rng);
    long[] offsets = new long[batch];
    int maxOffset = c.referencePositions() - c.referenceSeqlen();
    for (int i = 0; i < batch; i++) {
      offsets[i] = rng.nextInt(maxOffset + 1);
    }
    long[] keep = new long[batch * c.queryMaxSeqlen()];
    for (int i = 0; i < batch; i++) {
      long[] kept = firstOfPermutation(c.query0Tokens(), c.queryMaxSeqlen(), rng);
      System.arraycopy(kept, 0, keep, i * kept.length, kept.length);
    }
    return new Draws(teacher, query0, focal, offsets, keep);
  }

  private float[] dropPath(LocaConfig c, int rows, SplittableRandom rng) {
    return dropPath ? DropPath.draw(c.vit(), rows, rng) : DropPath.keepAll(c.vit(), rows);
  }

  /** The first {@code k} entries of a uniformly random permutation of {@code 0..n-1} (partial Fisher-Yates). */
  static long[] firstOfPermutation(int n, int k, SplittableRandom rng) {
    int[] p = new int[n];
    for (int i = 0; i < n; i++) {
      p[i] = i;
    }
    long[] out = new long[k];
    for (int i = 0; i < k; i++) {
      int j = i + rng.nextInt(n - i);
      int tmp = p[i];
      p[i] = p[j];
      p[j] = tmp;
      out[i] = p[i];
    }
    return out;
  }

  /**
   * One step's draws, row-major.
   *
   * @param teacherDropPath {@code [B, 2·depth]} for the reference
   * @param query0DropPath {@code [B, 2·depth]}
   * @param focalDropPath {@code [F·B, 2·depth]}
   * @param referenceOffsets {@code [B]}, each in {@code [0, nRef − reference_seqlen]}
   * @param query0Keep {@code [B, query_max_seqlen]} kept token indices
   */
  public record Draws(float[] teacherDropPath, float[] query0DropPath, float[] focalDropPath,
      long[] referenceOffsets, long[] query0Keep) {}
}
