package dev.loca.runtime.ort;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One-line explanations of why the CUDA execution provider cannot be used: the CPU build of ONNX Runtime is
 * installed, a CUDA or cuDNN library is missing, or the device itself fails.
 */
final class CudaDiagnosis {
  /** The libraries that {@code libonnxruntime_providers_cuda.so} of the GPU build links against. */
  static final List<String> CUDA_LIBRARIES =
      List.of("libcudart.so.13", "libcublas.so.13", "libcublasLt.so.13", "libcufft.so.12", "libcudnn.so.9");

  /** The dynamic loader's message for a missing dependency, e.g. {@code "libcublasLt.so.13: cannot open"}. */
  private static final Pattern MISSING_LIBRARY =
      Pattern.compile("(lib[\\w+-]+(?:\\.[\\w+-]+)*?\\.so[\\d.]*): cannot open shared object file");

  private CudaDiagnosis() {}

  /** The message for the CPU build of ONNX Runtime, which has no CUDA execution provider. */
  static String gpuBuildMissing(List<String> providers) {
    return "GPU build not installed: this ONNX Runtime has no CUDA execution provider (only " + providers
        + "); build with ./mvnw -Pcuda -DskipTests package, or use the GPU bundle (scripts/gpu-bundle.sh,"
        + " docs/GPU.md)";
  }

  /**
   * Explains ORT's failure to append the CUDA execution provider: names the missing shared library when the
   * dynamic loader reported one, otherwise says that the device is not usable and keeps ORT's message.
   */
  static String explain(String ortMessage, int deviceId) {
    Matcher m = MISSING_LIBRARY.matcher(ortMessage);
    if (m.find()) {
      return "CUDA library " + m.group(1) + " not found: put CUDA 13 and cuDNN 9 (" + String.join(", ",
          CUDA_LIBRARIES) + ") on LD_LIBRARY_PATH";
    }
    return "CUDA device " + deviceId + " not usable: " + ortMessage;
  }
}
