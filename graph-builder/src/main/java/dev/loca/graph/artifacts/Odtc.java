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
  static final int TENSOR_FIELDS = 5;
  static final int TENSOR_NAME = 0;
  static final int TENSOR_DIMS = 2;
  static final int TENSOR_DATA_TYPE = 3;
  static final int TENSOR_RAW_DATA = 4;
  static final int TENSOR_STRING_DATA = 5;

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
