package dev.loca.graph.build;

import com.google.common.hash.Hashing;
import dev.loca.graph.ir.DataType;
import dev.loca.graph.ir.Shape;
import dev.loca.graph.ir.TensorData;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

/**
 * Draws parameter values. Each parameter gets its own stream seeded from the model seed and its name, so
 * adding a parameter never changes the values of the others, and the same seed gives the same bytes on
 * every JVM (normals come from our own Box-Muller, not from JDK internals).
 */
final class InitSampler {
  /** Standard deviation of a unit normal truncated at ±2, used to rescale LeCun normal as JAX does. */
  static final double TRUNC2_STD = 0.87962566103423978;

  private InitSampler() {}

  static TensorData sample(Init init, DataType dtype, Shape shape, long seed, String name) {
    int n = Math.toIntExact(shape.elementCount());
    SplittableRandom rng = new SplittableRandom(Hashing.murmur3_128((int) (seed ^ (seed >>> 32)))
        .hashString(name, StandardCharsets.UTF_8).asLong() ^ seed);
    double[] v = new double[n];
    if (init instanceof Init.Ones) {
      java.util.Arrays.fill(v, 1.0);
    } else if (init instanceof Init.Constant c) {
      java.util.Arrays.fill(v, c.value());
    } else if (init instanceof Init.Normal nd) {
      for (int i = 0; i < n; i++) {
        v[i] = nd.mean() + nd.std() * gaussian(rng);
      }
    } else if (init instanceof Init.TruncatedNormal t) {
      for (int i = 0; i < n; i++) {
        v[i] = truncated(rng, t.mean(), t.std(), t.lower(), t.upper());
      }
    } else if (init instanceof Init.XavierUniform) {
      long[] f = Init.fans(shape);
      double limit = Math.sqrt(6.0 / (f[0] + f[1]));
      for (int i = 0; i < n; i++) {
        v[i] = (rng.nextDouble() * 2 - 1) * limit;
      }
    } else if (init instanceof Init.LecunNormal) {
      double std = Math.sqrt(1.0 / Init.fans(shape)[0]) / TRUNC2_STD;
      for (int i = 0; i < n; i++) {
        v[i] = truncated(rng, 0, std, -2 * std, 2 * std);
      }
    }
    return toTensor(dtype, shape, v);
  }

  private static double truncated(SplittableRandom rng, double mean, double std, double lo, double hi) {
    if (std == 0) {
      return Math.max(lo, Math.min(hi, mean));
    }
    for (int tries = 0; tries < 1000; tries++) {
      double x = mean + std * gaussian(rng);
      if (x >= lo && x <= hi) {
        return x;
      }
    }
    throw new IllegalArgumentException("truncation bounds [" + lo + ", " + hi + "] are too far from the mean");
  }

  /** One standard normal draw (Box-Muller, cosine branch only, for simplicity and determinism). */
  private static double gaussian(SplittableRandom rng) {
    double u1 = 1.0 - rng.nextDouble();
    double u2 = rng.nextDouble();
    return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }

  private static TensorData toTensor(DataType dtype, Shape shape, double[] v) {
    return switch (dtype) {
      case FLOAT -> {
        float[] f = new float[v.length];
        for (int i = 0; i < v.length; i++) {
          f[i] = (float) v[i];
        }
        yield TensorData.ofFloats(shape.sizes(), f);
      }
      case DOUBLE -> TensorData.ofDoubles(shape.sizes(), v);
      default -> throw new IllegalArgumentException("parameters must be float32 or float64, got " + dtype);
    };
  }
}
