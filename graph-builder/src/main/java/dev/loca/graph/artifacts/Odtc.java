package dev.loca.graph.artifacts;

/**
 * Layout of ONNX Runtime's ODTC checkpoint flatbuffer ({@code ort_training_checkpoint.fbs} and the
 * {@code Tensor} table of {@code ort.fbs}): slot numbers in field-declaration order.
 */
final class Odtc {
  private Odtc() {}

  static final String FILE_IDENTIFIER = "ODTC";
  /** The only checkpoint version ORT 1.24 reads (1 and 3 are rejected). */
  static final int VERSION = 2;
  /** ORT reads the optimizer state of this group only; any other group is silently ignored. */
  static final String GROUP_NAME = "group0";
  static final String FIRST_MOMENT = "momentum0";
  static final String SECOND_MOMENT = "momentum1";
  /** Alignment of each tensor's {@code raw_data} vector. */
  static final int RAW_DATA_ALIGNMENT = 16;

  /**
   * External data (ORT 1.18+, kept by 1.24): when {@code ModuleState.has_external_data} is set, ORT opens
   * the side file named by the checkpoint path plus this suffix ({@code ExternalCheckpointDataPath} in
   * {@code training_api/checkpoint.cc}) and reads every tensor whose {@code external_data_offset} is >= 0
   * from there: {@code byteSize} bytes at that offset, little-endian, no header. Loading from a buffer
   * cannot do this (there is no path to add the suffix to).
   */
  static final String EXTERNAL_DATA_SUFFIX = ".data";

  // table Checkpoint
  static final int CHECKPOINT_FIELDS = 4;
  static final int CHECKPOINT_VERSION = 0;
  static final int CHECKPOINT_MODULE_STATE = 1;
  static final int CHECKPOINT_OPTIMIZER_GROUPS = 2;
  static final int CHECKPOINT_PROPERTY_BAG = 3;

  // table ModuleState
  static final int MODULE_FIELDS = 4;
  static final int MODULE_REQUIRES_GRAD = 0;
  static final int MODULE_FROZEN = 1;
  static final int MODULE_IS_NOMINAL = 2;
  static final int MODULE_HAS_EXTERNAL_DATA = 3;

  // table Tensor (ort.fbs)
  static final int TENSOR_FIELDS = 7;
  static final int TENSOR_NAME = 0;
  static final int TENSOR_DIMS = 2;
  static final int TENSOR_DATA_TYPE = 3;
  static final int TENSOR_RAW_DATA = 4;
  static final int TENSOR_STRING_DATA = 5;
  /** int64, default -1 (inline data); an offset into the external data file otherwise. */
  static final int TENSOR_EXTERNAL_DATA_OFFSET = 6;

  // table OptimizerGroup
  static final int GROUP_FIELDS = 4;
  static final int GROUP_NAME_SLOT = 0;
  static final int GROUP_STEP = 1;
  static final int GROUP_INITIAL_LR = 2;
  static final int GROUP_STATES = 3;

  // table ParameterOptimizerState
  static final int PARAM_STATE_FIELDS = 2;
  static final int PARAM_STATE_NAME = 0;
  static final int PARAM_STATE_MOMENTUMS = 1;

  // table PropertyBag and the three property tables (name, value)
  static final int BAG_FIELDS = 3;
  static final int BAG_INTS = 0;
  static final int BAG_FLOATS = 1;
  static final int BAG_STRINGS = 2;
  static final int PROPERTY_FIELDS = 2;
  static final int PROPERTY_NAME = 0;
  static final int PROPERTY_VALUE = 1;
}
