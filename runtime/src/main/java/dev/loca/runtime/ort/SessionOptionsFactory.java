package dev.loca.runtime.ort;

import static org.bytedeco.onnxruntime.global.onnxruntime.ORT_DISABLE_ALL;
import static org.bytedeco.onnxruntime.global.onnxruntime.ORT_ENABLE_ALL;
import static org.bytedeco.onnxruntime.global.onnxruntime.ORT_ENABLE_BASIC;
import static org.bytedeco.onnxruntime.global.onnxruntime.ORT_ENABLE_EXTENDED;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.PointerPointer;
import org.bytedeco.onnxruntime.OrtApi;
import org.bytedeco.onnxruntime.OrtCUDAProviderOptionsV2;
import org.bytedeco.onnxruntime.OrtSessionOptions;

/** Builds native {@code OrtSessionOptions} from a {@link SessionConfig}; the caller owns the result. */
final class SessionOptionsFactory {
  static final String CUDA_PROVIDER = "CUDAExecutionProvider";

  private SessionOptionsFactory() {}

  /**
   * Creates session options for {@code config}. On failure nothing is leaked and an {@link OrtFailure} is
   * thrown; on success the caller must {@code ReleaseSessionOptions} the result (after the session).
   */
  static OrtSessionOptions create(OrtEnvironment env, SessionConfig config) {
    if (config.device() instanceof SessionConfig.Cuda) {
      List<String> providers = env.availableProviders();
      if (!providers.contains(CUDA_PROVIDER)) {
        throw OrtFailure.java(CudaDiagnosis.gpuBuildMissing(providers));
      }
    }
    OrtApi api = env.api();
    OrtSessionOptions options = new OrtSessionOptions();
    Native.check(api, api.CreateSessionOptions(options), "CreateSessionOptions");
    try {
      apply(api, options, config);
      return options;
    } catch (RuntimeException e) {
      api.ReleaseSessionOptions(options);
      throw e;
    }
  }

  private static void apply(OrtApi api, OrtSessionOptions options, SessionConfig config) {
    if (config.intraOpThreads() > 0) {
      Native.check(api, api.SetIntraOpNumThreads(options, config.intraOpThreads()), "SetIntraOpNumThreads");
    }
    if (config.interOpThreads() > 0) {
      Native.check(api, api.SetInterOpNumThreads(options, config.interOpThreads()), "SetInterOpNumThreads");
    }
    Native.check(
        api,
        api.SetSessionGraphOptimizationLevel(options, ortLevel(config.optimizationLevel())),
        "SetSessionGraphOptimizationLevel");
    if (!config.memoryPattern()) {
      Native.check(api, api.DisableMemPattern(options), "DisableMemPattern");
    }
    if (config.profilingPrefix().isPresent()) {
      try (BytePointer prefix = new BytePointer(config.profilingPrefix().get(), StandardCharsets.UTF_8)) {
        Native.check(api, api.EnableProfiling(options, prefix), "EnableProfiling");
      }
    }
    for (Map.Entry<String, String> e : config.configEntries().entrySet()) {
      Native.check(
          api,
          api.AddSessionConfigEntry(options, e.getKey(), e.getValue()),
          "AddSessionConfigEntry(" + e.getKey() + "=" + e.getValue() + ")");
    }
    if (config.device() instanceof SessionConfig.Cuda cuda) {
      appendCuda(api, options, cuda);
    }
  }

  private static int ortLevel(SessionConfig.OptimizationLevel level) {
    return switch (level) {
      case DISABLED -> ORT_DISABLE_ALL;
      case BASIC -> ORT_ENABLE_BASIC;
      case EXTENDED -> ORT_ENABLE_EXTENDED;
      case ALL -> ORT_ENABLE_ALL;
    };
  }

  private static void appendCuda(OrtApi api, OrtSessionOptions options, SessionConfig.Cuda cuda) {
    List<String> keys = new ArrayList<>(List.of("device_id", "arena_extend_strategy", "use_tf32"));
    List<String> values =
        new ArrayList<>(
            List.of(
                Integer.toString(cuda.deviceId()),
                cuda.arenaExtendStrategy() == SessionConfig.ArenaExtendStrategy.NEXT_POWER_OF_TWO
                    ? "kNextPowerOfTwo"
                    : "kSameAsRequested",
                cuda.tf32() ? "1" : "0"));
    if (cuda.gpuMemLimitBytes() > 0) {
      keys.add("gpu_mem_limit");
      values.add(Long.toString(cuda.gpuMemLimitBytes()));
    }
    OrtCUDAProviderOptionsV2 cudaOptions = new OrtCUDAProviderOptionsV2();
    try {
      Native.check(api, api.CreateCUDAProviderOptions(cudaOptions), "CreateCUDAProviderOptions");
      try (PointerPointer<BytePointer> k =
              new PointerPointer<>(keys.toArray(new String[0]), StandardCharsets.UTF_8);
          PointerPointer<BytePointer> v =
              new PointerPointer<>(values.toArray(new String[0]), StandardCharsets.UTF_8)) {
        Native.check(
            api, api.UpdateCUDAProviderOptions(cudaOptions, k, v, keys.size()), "UpdateCUDAProviderOptions");
      }
      Native.check(
          api,
          api.SessionOptionsAppendExecutionProvider_CUDA_V2(options, cudaOptions),
          "SessionOptionsAppendExecutionProvider_CUDA_V2(device " + cuda.deviceId() + ")");
    } catch (OrtFailure e) {
      throw new OrtFailure(e.code(), CudaDiagnosis.explain(e.ortMessage(), cuda.deviceId()), e.context());
    } finally {
      if (!cudaOptions.isNull()) {
        api.ReleaseCUDAProviderOptions().call(cudaOptions);
      }
    }
  }
}
