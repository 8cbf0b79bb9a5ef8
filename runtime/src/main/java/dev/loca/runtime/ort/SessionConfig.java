package dev.loca.runtime.ort;

import com.google.common.collect.ImmutableMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * How to open a session: threads, graph optimisation, device, profiling and raw ORT session config entries.
 * Pure Java; the native {@code OrtSessionOptions} are built from it when a session is opened.
 *
 * @param intraOpThreads threads inside one operator; 0 lets ORT choose
 * @param interOpThreads threads across operators; 0 lets ORT choose
 * @param optimizationLevel ORT graph optimisation level
 * @param device where to run
 * @param profilingPrefix when present, ORT writes a profiling JSON file whose name starts with this prefix
 * @param configEntries extra {@code AddSessionConfigEntry} key/value pairs (e.g. {@code
 *     "session.use_ort_model_bytes_directly"}), in insertion order
 * @param memoryPattern whether ORT pre-plans one block for all intermediate tensors after the first run
 *     ({@code EnableMemPattern}, its default); see {@link #training()}
 */
public record SessionConfig(
    int intraOpThreads,
    int interOpThreads,
    OptimizationLevel optimizationLevel,
    Device device,
    Optional<String> profilingPrefix,
    Map<String, String> configEntries,
    boolean memoryPattern) {

  /** ORT graph optimisation levels ({@code GraphOptimizationLevel}). */
  public enum OptimizationLevel {
    DISABLED,
    BASIC,
    EXTENDED,
    ALL
  }

  /** Arena growth policy of the CUDA allocator ({@code arena_extend_strategy}). */
  public enum ArenaExtendStrategy {
    NEXT_POWER_OF_TWO,
    SAME_AS_REQUESTED
  }

  /** The device a session runs on. */
  public sealed interface Device permits Cpu, Cuda {
    /** Returns the CPU device. */
    static Device cpu() {
      return new Cpu();
    }

    /** Returns CUDA device {@code deviceId} with no memory limit and the default arena strategy. */
    static Device cuda(int deviceId) {
      return new Cuda(deviceId, 0, ArenaExtendStrategy.NEXT_POWER_OF_TWO);
    }

    /**
     * The device a run config names: {@code cpu}, or {@code cuda} (device 0, default settings).
     *
     * @throws IllegalArgumentException for any other name
     */
    static Device named(String name) {
      switch (name) {
        case "cpu":
          return cpu();
        case "cuda":
          return cuda(0);
        default:
          throw new IllegalArgumentException("device must be cpu or cuda, got '" + name + "'");
      }
    }

    /** {@code cpu} or {@code cuda}: the name {@link #named} reads back. */
    default String configName() {
      return this instanceof Cuda ? "cuda" : "cpu";
    }
  }

  /** Run on the CPU execution provider only. */
  public record Cpu() implements Device {}

  /**
   * Run on the CUDA execution provider (with CPU fallback for nodes CUDA does not support).
   *
   * @param deviceId CUDA device ordinal
   * @param gpuMemLimitBytes arena limit in bytes; 0 means unlimited
   * @param arenaExtendStrategy arena growth policy
   * @param tf32 whether float32 matrix products may use TF32 tensor cores (ORT's default: on; about 1e-3
   *     relative error, so comparisons against the CPU switch it off)
   */
  public record Cuda(int deviceId, long gpuMemLimitBytes, ArenaExtendStrategy arenaExtendStrategy, boolean tf32)
      implements Device {
    /** TF32 on, as ONNX Runtime's CUDA provider defaults. */
    public Cuda(int deviceId, long gpuMemLimitBytes, ArenaExtendStrategy arenaExtendStrategy) {
      this(deviceId, gpuMemLimitBytes, arenaExtendStrategy, true);
    }

    /** A copy with TF32 switched on or off. */
    public Cuda withTf32(boolean on) {
      return new Cuda(deviceId, gpuMemLimitBytes, arenaExtendStrategy, on);
    }

    /** Validates the fields. */
    public Cuda {
      if (deviceId < 0) {
        throw new IllegalArgumentException("CUDA device id must be >= 0, got " + deviceId);
      }
      if (gpuMemLimitBytes < 0) {
        throw new IllegalArgumentException("gpuMemLimitBytes must be >= 0, got " + gpuMemLimitBytes);
      }
      Objects.requireNonNull(arenaExtendStrategy, "arenaExtendStrategy");
    }
  }

  /** Validates the fields and freezes the config entries. */
  public SessionConfig {
    if (intraOpThreads < 0) {
      throw new IllegalArgumentException("intraOpThreads must be >= 0, got " + intraOpThreads);
    }
    if (interOpThreads < 0) {
      throw new IllegalArgumentException("interOpThreads must be >= 0, got " + interOpThreads);
    }
    Objects.requireNonNull(optimizationLevel, "optimizationLevel");
    Objects.requireNonNull(device, "device");
    Objects.requireNonNull(profilingPrefix, "profilingPrefix");
    configEntries = ImmutableMap.copyOf(configEntries);
  }

  /**
   * Returns ORT's defaults: ORT-chosen thread counts, all optimisations, CPU, no profiling, no entries, memory
   * pattern on.
   */
  public static SessionConfig defaults() {
    return new SessionConfig(0, 0, OptimizationLevel.ALL, Device.cpu(), Optional.empty(), Map.of(), true);
  }

  /**
   * What training sessions (and the teacher beside them) use: ORT's defaults without the memory pattern, on the
   * environment's shared CPU arena. For a training graph the block ORT pre-plans holds far more than the tensors
   * it keeps alive, and it is held for the whole run: the pattern raised the peak RSS of the tiny-p8-64 bench at
   * batch 16 from 1.4 to 2.5 GiB at the same speed. The shared arena ({@code session.use_env_allocators}, see
   * {@link OrtEnvironment}) lets the training, optimizer and teacher sessions reuse each other's freed memory
   * (docs/PERFORMANCE.md).
   */
  public static SessionConfig training() {
    return defaults().withMemoryPattern(false).withConfigEntry("session.use_env_allocators", "1");
  }

  /** Returns a copy with {@code intraOpThreads} replaced (0 = ORT default). */
  public SessionConfig withIntraOpThreads(int threads) {
    return new SessionConfig(
        threads, interOpThreads, optimizationLevel, device, profilingPrefix, configEntries, memoryPattern);
  }

  /** Returns a copy with {@code interOpThreads} replaced (0 = ORT default). */
  public SessionConfig withInterOpThreads(int threads) {
    return new SessionConfig(
        intraOpThreads, threads, optimizationLevel, device, profilingPrefix, configEntries, memoryPattern);
  }

  /** Returns a copy with the optimisation level replaced. */
  public SessionConfig withOptimizationLevel(OptimizationLevel level) {
    return new SessionConfig(
        intraOpThreads, interOpThreads, level, device, profilingPrefix, configEntries, memoryPattern);
  }

  /** Returns a copy running on {@code newDevice}. */
  public SessionConfig withDevice(Device newDevice) {
    return new SessionConfig(intraOpThreads, interOpThreads, optimizationLevel, newDevice, profilingPrefix,
        configEntries, memoryPattern);
  }

  /** Returns a copy that profiles into files starting with {@code prefix}. */
  public SessionConfig withProfiling(String prefix) {
    return new SessionConfig(
        intraOpThreads,
        interOpThreads,
        optimizationLevel,
        device,
        Optional.of(Objects.requireNonNull(prefix, "prefix")),
        configEntries, memoryPattern);
  }

  /** Returns a copy without profiling. */
  public SessionConfig withoutProfiling() {
    return new SessionConfig(intraOpThreads, interOpThreads, optimizationLevel, device, Optional.empty(),
        configEntries, memoryPattern);
  }

  /** Returns a copy with one config entry added (or replaced). */
  public SessionConfig withConfigEntry(String key, String value) {
    Map<String, String> entries = new LinkedHashMap<>(configEntries);
    entries.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
    return withConfigEntries(entries);
  }

  /** Returns a copy whose config entries are exactly {@code entries}. */
  public SessionConfig withConfigEntries(Map<String, String> entries) {
    return new SessionConfig(
        intraOpThreads, interOpThreads, optimizationLevel, device, profilingPrefix, entries, memoryPattern);
  }

  /** Returns a copy with ORT's memory pattern switched on or off. */
  public SessionConfig withMemoryPattern(boolean on) {
    return new SessionConfig(
        intraOpThreads, interOpThreads, optimizationLevel, device, profilingPrefix, configEntries, on);
  }
}
