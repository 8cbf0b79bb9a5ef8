package dev.loca.runtime.ort;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class CudaDiagnosisTest {
  /** What the GPU build of ORT 1.24.1 says on a machine without CUDA 13 (copied from a run here). */
  private static final String NO_CUBLAS = "/home/runner/work/javacpp-presets/javacpp-presets/onnxruntime/cppbuild/"
      + "linux-x86_64-gpu/onnxruntime/onnxruntime/core/session/provider_bridge_ort.cc:1989 onnxruntime::Provider&"
      + " onnxruntime::ProviderLibrary::Get() [ONNXRuntimeError] : 1 : FAIL : Failed to load library /root/.javacpp/"
      + "cache/onnxruntime-1.24.1-1.5.13-linux-x86_64-gpu.jar/org/bytedeco/onnxruntime/linux-x86_64-gpu/"
      + "libonnxruntime_providers_cuda.so with error: libcublasLt.so.13: cannot open shared object file: No such"
      + " file or directory";

  @Test
  void namesTheMissingLibraryNotTheProvider() {
    String line = CudaDiagnosis.explain(NO_CUBLAS, 0);
    assertTrue(line.startsWith("CUDA library libcublasLt.so.13 not found: "), line);
    assertTrue(line.contains("libcudnn.so.9") && line.contains("LD_LIBRARY_PATH"), line);
  }

  @Test
  void namesCudnnWhenItIsTheMissingOne() {
    String line = CudaDiagnosis.explain("Failed to load library x.so with error: libcudnn.so.9: cannot open shared"
        + " object file: No such file or directory", 0);
    assertTrue(line.startsWith("CUDA library libcudnn.so.9 not found"), line);
  }

  @Test
  void otherFailuresNameTheDeviceAndKeepOrtsMessage() {
    assertEquals("CUDA device 1 not usable: CUDA failure 100: no CUDA-capable device is detected",
        CudaDiagnosis.explain("CUDA failure 100: no CUDA-capable device is detected", 1));
  }

  @Test
  void cpuBuildMessageSaysHowToGetTheGpuBuild() {
    String line = CudaDiagnosis.gpuBuildMissing(java.util.List.of("CPUExecutionProvider"));
    assertTrue(line.startsWith("GPU build not installed: "), line);
    assertTrue(line.contains("-Pcuda") && line.contains("scripts/gpu-bundle.sh"), line);
  }
}
