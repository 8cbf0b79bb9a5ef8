package dev.loca.train.cli;

import dev.loca.graph.build.GraphBuilder;
import dev.loca.graph.ir.DataType;
import dev.loca.graph.ir.Shape;
import dev.loca.graph.ir.Value;
import dev.loca.graph.serde.ModelWriter;
import dev.loca.runtime.ort.InferenceSession;
import dev.loca.runtime.ort.OrtEnvironment;
import dev.loca.runtime.ort.OrtFailure;
import dev.loca.runtime.ort.OrtTensor;
import dev.loca.runtime.ort.RunResult;
import dev.loca.runtime.ort.SessionConfig;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/**
 * The device options of every command that opens ONNX Runtime sessions: {@code --device cpu|cuda|auto},
 * {@code --cuda-device N}, {@code --cuda-mem-limit SIZE} and {@code --cuda-arena POLICY}.
 *
 * <p>To adopt it in a command: declare {@code @Mixin DeviceOptions device;} (and {@code @Spec CommandSpec
 * spec;}), then at the start of {@code run()} call {@code SessionConfig.Device d =
 * device.resolve(spec.commandLine().getErr(), "cpu");} and pass {@code d} to every session the command opens
 * ({@code SessionConfig.defaults().withDevice(d)}), teacher, training and inference sessions alike.
 * {@link #resolve} fails with one line when {@code cuda} cannot be used (the CPU build: "GPU build not
 * installed"; the GPU build without CUDA: the missing library; no usable GPU: ORT's message), and for {@code
 * auto} prints one line saying which device it chose and why. Its second argument is the device used when
 * {@code --device} is not given (e.g. the one recorded in a run's config when resuming).
 */
public final class DeviceOptions {
  /** The values of {@code --device}. */
  public enum Choice {
    CPU,
    CUDA,
    AUTO;

    /** Parses cpu, cuda or auto (any case). */
    static Choice parse(String text) {
      for (Choice c : values()) {
        if (c.name().equalsIgnoreCase(text.trim())) {
          return c;
        }
      }
      throw new TypeConversionException("expected cpu, cuda or auto, got '" + text + "'");
    }
  }

  @Option(names = "--device", paramLabel = "cpu|cuda|auto", converter = ChoiceConverter.class,
      description = "Where sessions run: cpu, cuda (fails if unusable) or auto (cuda if usable, else cpu).")
  Choice device;

  @Option(names = "--cuda-device", paramLabel = "N", defaultValue = "0",
      description = "CUDA device ordinal (default: ${DEFAULT-VALUE}).")
  int cudaDevice;

  @Option(names = "--cuda-mem-limit", paramLabel = "SIZE", defaultValue = "0", converter = SizeConverter.class,
      description = "Limit of the CUDA memory arena, e.g. 20g or 512m (default: no limit).")
  long cudaMemLimitBytes;

  @Option(names = "--cuda-arena", paramLabel = "POLICY", defaultValue = "next-power-of-two",
      converter = ArenaConverter.class,
      description = "CUDA arena growth: next-power-of-two or same-as-requested (default: ${DEFAULT-VALUE}).")
  SessionConfig.ArenaExtendStrategy cudaArena;

  @Option(names = "--cuda-tf32", negatable = true, defaultValue = "true", fallbackValue = "true",
      description = "Let float32 matrix products use TF32 tensor cores (about 1e-3 relative error; ONNX Runtime's"
          + " default: on); --no-cuda-tf32 computes them in full float32.")
  boolean cudaTf32 = true;

  /** The {@code --device} choice, or empty when it was not given. */
  public Optional<Choice> choice() {
    return Optional.ofNullable(device);
  }

  /**
   * The device to run on. For cuda and auto it checks that the GPU build is installed, that its CUDA
   * provider loads, and that a tiny model runs on the GPU.
   *
   * @param err where auto says which device it chose
   * @param fallback cpu, cuda or auto: used when {@code --device} was not given
   * @throws UserError when cuda was asked for and cannot be used, naming the missing part
   */
  public SessionConfig.Device resolve(PrintWriter err, String fallback) {
    Choice choice = device != null ? device : Choice.parse(fallback);
    if (choice == Choice.CPU) {
      return SessionConfig.Device.cpu();
    }
    SessionConfig.Cuda cuda;
    try {
      cuda = new SessionConfig.Cuda(cudaDevice, cudaMemLimitBytes, cudaArena, cudaTf32);
    } catch (IllegalArgumentException e) {
      throw new UserError("--cuda-device/--cuda-mem-limit: " + e.getMessage(), e);
    }
    Optional<String> problem = problem(cuda);
    if (problem.isPresent() && choice == Choice.CUDA) {
      throw new UserError("--device cuda: " + problem.get());
    }
    if (problem.isPresent()) {
      err.println("loca: --device auto: using the CPU (" + problem.get() + ")");
      err.flush();
      return SessionConfig.Device.cpu();
    }
    if (choice == Choice.AUTO) {
      err.println("loca: --device auto: using CUDA device " + cudaDevice);
      err.flush();
    }
    return cuda;
  }

  /** cpu or cuda: the name of {@code d} in configs and result lines. */
  public static String name(SessionConfig.Device d) {
    return d.configName();
  }

  /** Why {@code cuda} cannot be used, or empty: the provider must load and run a one-node model there. */
  static Optional<String> problem(SessionConfig.Cuda cuda) {
    OrtEnvironment env = OrtEnvironment.shared();
    Optional<String> problem = env.deviceProblem(cuda);
    if (problem.isPresent()) {
      return problem;
    }
    GraphBuilder b = new GraphBuilder("device_probe", 1);
    Value x = b.input("x", DataType.FLOAT, Shape.of(2));
    b.output("y", b.op("Relu", x));
    try (InferenceSession s = env.openSession(ModelWriter.toBytes(b.model()),
            SessionConfig.defaults().withDevice(cuda));
        OrtTensor xt = OrtTensor.fromFloats(new float[] {-1, 1}, 2);
        RunResult r = s.run(Map.of("x", xt))) {
      float[] y = r.get("y").toFloatArray();
      return y[0] == 0 && y[1] == 1 ? Optional.empty()
          : Optional.of("CUDA device " + cuda.deviceId() + " computed Relu(-1, 1) = (" + y[0] + ", " + y[1] + ")");
    } catch (OrtFailure e) {
      return Optional.of("CUDA device " + cuda.deviceId() + " not usable: " + e.ortMessage());
    }
  }

  /** Converts cpu, cuda or auto. */
  static final class ChoiceConverter implements ITypeConverter<Choice> {
    @Override
    public Choice convert(String value) {
      return Choice.parse(value);
    }
  }

  /** Converts a byte count with an optional k, m or g suffix (powers of 1024). */
  static final class SizeConverter implements ITypeConverter<Long> {
    @Override
    public Long convert(String value) {
      String v = value.trim().toLowerCase(Locale.ROOT);
      long unit = 1;
      if (v.endsWith("k") || v.endsWith("m") || v.endsWith("g")) {
        unit = 1L << (10 * ("kmg".indexOf(v.charAt(v.length() - 1)) + 1));
        v = v.substring(0, v.length() - 1);
      }
      try {
        long n = Long.parseLong(v);
        if (n < 0) {
          throw new NumberFormatException();
        }
        return Math.multiplyExact(n, unit);
      } catch (NumberFormatException | ArithmeticException e) {
        throw new TypeConversionException("expected a size such as 512m, 20g or a byte count, got '" + value + "'");
      }
    }
  }

  /** Converts next-power-of-two or same-as-requested. */
  static final class ArenaConverter implements ITypeConverter<SessionConfig.ArenaExtendStrategy> {
    @Override
    public SessionConfig.ArenaExtendStrategy convert(String value) {
      for (SessionConfig.ArenaExtendStrategy s : SessionConfig.ArenaExtendStrategy.values()) {
        if (s.name().replace('_', '-').equalsIgnoreCase(value.trim())) {
          return s;
        }
      }
      throw new TypeConversionException("expected next-power-of-two or same-as-requested, got '" + value + "'");
    }
  }
}
