package dev.loca.graph.serde;

import com.google.common.base.Preconditions;

/**
 * How a model is written.
 *
 * @param valueInfo write the types of intermediate values ({@code value_info}); ORT needs some of them
 * @param externalData when initializers go to a side file
 * @param externalThresholdBytes initializers at least this large go to the side file when external data is used
 */
public record WriteOptions(boolean valueInfo, ExternalData externalData, long externalThresholdBytes) {

  /** Protobuf cannot hold a message of 2 GiB; AUTO moves data out well before that. */
  public static final long AUTO_EXTERNAL_TOTAL_BYTES = 1L << 30;

  /** When initializer contents are stored beside the model instead of inside it. */
  public enum ExternalData {
    /** Never: fails for models that do not fit in one protobuf message. */
    NEVER,
    /** When the initializers together exceed {@link #AUTO_EXTERNAL_TOTAL_BYTES}. */
    AUTO,
    /** Always, for every initializer above the threshold. */
    ALWAYS
  }

  public WriteOptions {
    Preconditions.checkArgument(externalThresholdBytes >= 0, "threshold must be >= 0");
  }

  public static WriteOptions defaults() {
    return new WriteOptions(true, ExternalData.AUTO, 1024);
  }

  public WriteOptions withExternalData(ExternalData mode, long thresholdBytes) {
    return new WriteOptions(valueInfo, mode, thresholdBytes);
  }
}
