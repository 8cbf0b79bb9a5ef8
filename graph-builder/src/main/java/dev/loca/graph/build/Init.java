package dev.loca.graph.build;

import com.google.common.base.Preconditions;
import dev.loca.graph.ir.Shape;

/**
 * How a parameter's initial values are drawn. Fan-in and fan-out follow the weight layouts of this
 * project: a rank-2 weight is {@code [in, out]} (used as {@code x · W}); a convolution kernel of rank k+2
 * is {@code [out, in, kernel...]}; a rank-1 tensor has fan-in = fan-out = its length.
 */
public sealed interface Init {

  /** All zeros. */
  record Zeros() implements Init {}

  /** All ones. */
  record Ones() implements Init {}

  /** One value everywhere. */
  record Constant(float value) implements Init {}

  /** Normal with the given mean and standard deviation. */
  record Normal(double mean, double std) implements Init {
    public Normal {
      Preconditions.checkArgument(std >= 0, "std must be >= 0, got %s", std);
    }
  }

  /**
   * Normal with the given mean and standard deviation, redrawn until within {@code [lower, upper]}
   * (absolute bounds, as {@code torch.nn.init.trunc_normal_}).
   */
  record TruncatedNormal(double mean, double std, double lower, double upper) implements Init {
    public TruncatedNormal {
      Preconditions.checkArgument(std >= 0 && lower < upper, "need std >= 0 and lower < upper");
    }
  }

  /** Uniform in ±sqrt(6 / (fan_in + fan_out)) (Glorot). */
  record XavierUniform() implements Init {}

  /**
   * LeCun normal as JAX does it: a normal truncated at ±2 standard deviations, scaled so that the
   * variance is 1 / fan_in.
   */
  record LecunNormal() implements Init {}

  static Init zeros() {
    return new Zeros();
  }

  static Init ones() {
    return new Ones();
  }

  static Init constant(float v) {
    return new Constant(v);
  }

  static Init normal(double std) {
    return new Normal(0, std);
  }

  /** Normal(0, std) truncated at ±2 std. */
  static Init truncatedNormal(double std) {
    return new TruncatedNormal(0, std, -2 * std, 2 * std);
  }

  static Init xavierUniform() {
    return new XavierUniform();
  }

  static Init lecunNormal() {
    return new LecunNormal();
  }

  /** Fan-in and fan-out of a weight of this shape. */
  static long[] fans(Shape shape) {
    long[] d = shape.sizes();
    return switch (d.length) {
      case 0 -> new long[] {1, 1};
      case 1 -> new long[] {d[0], d[0]};
      case 2 -> new long[] {d[0], d[1]};
      default -> {
        long receptive = 1;
        for (int i = 2; i < d.length; i++) {
          receptive *= d[i];
        }
        yield new long[] {d[1] * receptive, d[0] * receptive};
      }
    };
  }
}
