package dev.loca.graph.ir;

import java.util.Objects;

/**
 * An operator-set import: a domain ({@code ""} for ai.onnx) and its version.
 *
 * @param domain the operator domain, {@code ""} meaning ai.onnx
 * @param version the opset version
 */
public record OpsetId(String domain, long version) {
  public static final String ONNX = "";
  public static final String MICROSOFT = "com.microsoft";

  public OpsetId {
    Objects.requireNonNull(domain, "domain");
    if (domain.equals("ai.onnx")) {
      domain = ONNX;
    }
  }

  public static OpsetId onnx(long version) {
    return new OpsetId(ONNX, version);
  }

  public static OpsetId microsoft(long version) {
    return new OpsetId(MICROSOFT, version);
  }

  @Override
  public String toString() {
    return (domain.isEmpty() ? "ai.onnx" : domain) + ":" + version;
  }
}
