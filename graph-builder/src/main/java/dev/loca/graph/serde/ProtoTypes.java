package dev.loca.graph.serde;

import com.google.protobuf.ByteString;
import dev.loca.graph.ir.Attribute;
import dev.loca.graph.ir.DataType;
import dev.loca.graph.ir.Dim;
import dev.loca.graph.ir.Shape;
import dev.loca.graph.ir.TensorData;
import dev.loca.graph.ir.ValueType;
import dev.loca.graph.serde.proto.OnnxProto.AttributeProto;
import dev.loca.graph.serde.proto.OnnxProto.TensorProto;
import dev.loca.graph.serde.proto.OnnxProto.TensorShapeProto;
import dev.loca.graph.serde.proto.OnnxProto.TypeProto;
import dev.loca.graph.serde.proto.OnnxProto.ValueInfoProto;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/** Conversions between IR types, shapes, tensors and attributes and their protobuf messages. */
final class ProtoTypes {
  private ProtoTypes() {}

  static TypeProto toProto(ValueType type) {
    if (type instanceof ValueType.Sequence s) {
      return TypeProto.newBuilder().setSequenceType(TypeProto.Sequence.newBuilder().setElemType(toProto(s.element())))
          .build();
    }
    ValueType.Tensor t = (ValueType.Tensor) type;
    TypeProto.Tensor.Builder tb = TypeProto.Tensor.newBuilder().setElemType(t.dtype().onnxCode());
    if (t.shape().rankKnown()) {
      TensorShapeProto.Builder sb = TensorShapeProto.newBuilder();
      for (Dim d : t.shape().dims()) {
        TensorShapeProto.Dimension.Builder db = TensorShapeProto.Dimension.newBuilder();
        if (d instanceof Dim.Fixed f) {
          db.setDimValue(f.size());
        } else if (d instanceof Dim.Symbolic s) {
          db.setDimParam(s.name());
        }
        sb.addDim(db);
      }
      tb.setShape(sb);
    }
    return TypeProto.newBuilder().setTensorType(tb).build();
  }

  static ValueType fromProto(TypeProto p, String what) {
    if (p.hasSequenceType()) {
      return ValueType.sequence(fromProto(p.getSequenceType().getElemType(), what));
    }
    if (!p.hasTensorType()) {
      throw new SerdeException(what + ": only tensor and sequence types are supported, got " + p.getValueCase());
    }
    TypeProto.Tensor t = p.getTensorType();
    DataType dt = dataType(t.getElemType(), what);
    if (!t.hasShape()) {
      return ValueType.tensor(dt, Shape.unknownRank());
    }
    List<Dim> dims = new ArrayList<>();
    for (TensorShapeProto.Dimension d : t.getShape().getDimList()) {
      dims.add(switch (d.getValueCase()) {
        case DIM_VALUE -> Dim.of(d.getDimValue());
        case DIM_PARAM -> d.getDimParam().isEmpty() ? Dim.UNKNOWN : Dim.of(d.getDimParam());
        default -> Dim.UNKNOWN;
      });
    }
    return ValueType.tensor(dt, Shape.of(dims));
  }

  static ValueInfoProto valueInfo(String name, ValueType type) {
    return ValueInfoProto.newBuilder().setName(name).setType(toProto(type)).build();
  }

  static DataType dataType(int code, String what) {
    try {
      return DataType.fromOnnxCode(code);
    } catch (IllegalArgumentException e) {
      throw new SerdeException(what + ": unknown element type code " + code);
    }
  }

  /** A tensor proto holding the data inline as {@code raw_data}. */
  static TensorProto.Builder tensorHeader(String name, TensorData t) {
    TensorProto.Builder b = TensorProto.newBuilder().setDataType(t.dtype().onnxCode());
    if (name != null) {
      b.setName(name);
    }
    for (long d : t.dims()) {
      b.addDims(d);
    }
    return b;
  }

  static TensorProto toProto(String name, TensorData t) {
    return tensorHeader(name, t).setRawData(ByteString.copyFrom(t.rawBuffer())).build();
  }

  /** Tensor contents from inline fields ({@code raw_data} or the typed lists). */
  static TensorData fromProto(TensorProto p, String what) {
    DataType dt = dataType(p.getDataType(), what);
    long[] dims = p.getDimsList().stream().mapToLong(Long::longValue).toArray();
    Shape shape = Shape.of(dims);
    if (p.hasRawData()) {
      return TensorData.ofRaw(dt, shape, p.getRawData().toByteArray());
    }
    int n = Math.toIntExact(shape.elementCount());
    ByteBuffer b = ByteBuffer.allocate(n * Math.max(dt.byteSize(), 0)).order(ByteOrder.LITTLE_ENDIAN);
    switch (dt) {
      case FLOAT -> p.getFloatDataList().forEach(b::putFloat);
      case DOUBLE -> p.getDoubleDataList().forEach(b::putDouble);
      case INT64 -> p.getInt64DataList().forEach(b::putLong);
      case UINT64, UINT32 -> p.getUint64DataList().forEach(v -> putInt(b, dt, v));
      case INT32, INT16, UINT16, INT8, UINT8, BOOL, FLOAT16, BFLOAT16 ->
          p.getInt32DataList().forEach(v -> putInt(b, dt, v));
      default -> throw new SerdeException(what + ": tensors of type " + dt + " are not supported");
    }
    if (b.position() != b.capacity()) {
      throw new SerdeException(what + ": holds " + b.position() / Math.max(1, dt.byteSize()) + " values for shape "
          + shape);
    }
    return TensorData.ofRaw(dt, shape, b.array());
  }

  private static void putInt(ByteBuffer b, DataType dt, long v) {
    switch (dt.byteSize()) {
      case 1 -> b.put((byte) v);
      case 2 -> b.putShort((short) v);
      case 4 -> b.putInt((int) v);
      default -> b.putLong(v);
    }
  }

  static AttributeProto toProto(String name, Attribute a) {
    AttributeProto.Builder b = AttributeProto.newBuilder().setName(name);
    if (a instanceof Attribute.Int i) {
      b.setType(AttributeProto.AttributeType.INT).setI(i.value());
    } else if (a instanceof Attribute.Float f) {
      b.setType(AttributeProto.AttributeType.FLOAT).setF(f.value());
    } else if (a instanceof Attribute.Str s) {
      b.setType(AttributeProto.AttributeType.STRING).setS(ByteString.copyFromUtf8(s.value()));
    } else if (a instanceof Attribute.Ints is) {
      b.setType(AttributeProto.AttributeType.INTS).addAllInts(is.values());
    } else if (a instanceof Attribute.Floats fs) {
      b.setType(AttributeProto.AttributeType.FLOATS).addAllFloats(fs.values());
    } else if (a instanceof Attribute.Strs ss) {
      b.setType(AttributeProto.AttributeType.STRINGS);
      ss.values().forEach(s -> b.addStrings(ByteString.copyFromUtf8(s)));
    } else if (a instanceof Attribute.TensorValue t) {
      b.setType(AttributeProto.AttributeType.TENSOR).setT(toProto(null, t.value()));
    }
    return b.build();
  }

  static Attribute fromProto(AttributeProto p, String what) {
    return switch (p.getType()) {
      case INT -> Attribute.of(p.getI());
      case FLOAT -> Attribute.of(p.getF());
      case STRING -> Attribute.of(p.getS().toStringUtf8());
      case INTS -> new Attribute.Ints(p.getIntsList());
      case FLOATS -> new Attribute.Floats(p.getFloatsList());
      case STRINGS -> new Attribute.Strs(p.getStringsList().stream().map(ByteString::toStringUtf8).toList());
      case TENSOR -> Attribute.of(fromProto(p.getT(), what));
      default -> throw new SerdeException(what + ": attribute '" + p.getName() + "' of kind " + p.getType()
          + " is not supported");
    };
  }
}
