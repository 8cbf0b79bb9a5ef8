package dev.loca.graph.serde;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.loca.graph.ir.Attribute;
import dev.loca.graph.ir.DataType;
import dev.loca.graph.ir.Graph;
import dev.loca.graph.ir.Model;
import dev.loca.graph.ir.Node;
import dev.loca.graph.ir.OpsetId;
import dev.loca.graph.ir.Shape;
import dev.loca.graph.ir.TensorData;
import dev.loca.graph.ir.Value;
import dev.loca.graph.ir.ValueType;
import dev.loca.graph.ops.InferenceContext;
import dev.loca.graph.ops.OpCatalog;
import dev.loca.graph.ops.OpSchema;
import dev.loca.graph.serde.proto.OnnxProto.AttributeProto;
import dev.loca.graph.serde.proto.OnnxProto.GraphProto;
import dev.loca.graph.serde.proto.OnnxProto.ModelProto;
import dev.loca.graph.serde.proto.OnnxProto.NodeProto;
import dev.loca.graph.serde.proto.OnnxProto.OperatorSetIdProto;
import dev.loca.graph.serde.proto.OnnxProto.StringStringEntryProto;
import dev.loca.graph.serde.proto.OnnxProto.TensorProto;
import dev.loca.graph.serde.proto.OnnxProto.ValueInfoProto;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads ONNX {@code ModelProto} files into the IR, resolving external data beside the file. A value's
 * type comes from the graph's inputs, outputs or {@code value_info}; where none is written it is inferred
 * from the op's schema.
 */
public final class ModelReader {
  private final OpCatalog catalog;
  private final Path baseDir;
  private final String source;
  private final Map<String, Value> values = new HashMap<>();
  private final Map<String, ValueType> declared = new HashMap<>();
  private final Map<Value, TensorData> constants = new HashMap<>();
  private long nextId;

  private ModelReader(OpCatalog catalog, Path baseDir, String source) {
    this.catalog = catalog;
    this.baseDir = baseDir;
    this.source = source;
  }

  /** Reads a model file; external data is looked up beside it. */
  public static Model read(Path path) {
    ModelProto proto;
    try (InputStream in = Files.newInputStream(path)) {
      proto = ModelProto.parseFrom(in);
    } catch (NoSuchFileException e) {
      throw new SerdeException("model file not found: " + path);
    } catch (InvalidProtocolBufferException e) {
      throw new SerdeException(path + " is not an ONNX model: " + e.getMessage(), e);
    } catch (IOException e) {
      throw new SerdeException("cannot read model " + path + ": " + e.getMessage(), e);
    }
    Path dir = path.toAbsolutePath().getParent();
    return new ModelReader(OpCatalog.standard(), dir, path.toString()).model(proto);
  }

  /** Reads a model from bytes; external data is not allowed. */
  public static Model fromBytes(byte[] bytes) {
    try {
      return new ModelReader(OpCatalog.standard(), null, "<bytes>").model(ModelProto.parseFrom(bytes));
    } catch (InvalidProtocolBufferException e) {
      throw new SerdeException("bytes are not an ONNX model: " + e.getMessage(), e);
    }
  }

  private Model model(ModelProto p) {
    List<OpsetId> opsets = new ArrayList<>();
    for (OperatorSetIdProto o : p.getOpsetImportList()) {
      opsets.add(new OpsetId(o.getDomain(), o.getVersion()));
    }
    Map<String, String> meta = new LinkedHashMap<>();
    for (StringStringEntryProto e : p.getMetadataPropsList()) {
      meta.put(e.getKey(), e.getValue());
    }
    return new Model(p.getIrVersion(), opsets, p.getProducerName(), p.getProducerVersion(), graph(p.getGraph()), meta);
  }

  private Graph graph(GraphProto g) {
    for (ValueInfoProto vi : g.getValueInfoList()) {
      declared.put(vi.getName(), ProtoTypes.fromProto(vi.getType(), where("value_info '" + vi.getName() + "'")));
    }
    for (ValueInfoProto vi : g.getOutputList()) {
      declared.put(vi.getName(), ProtoTypes.fromProto(vi.getType(), where("output '" + vi.getName() + "'")));
    }
    List<Value> inputs = new ArrayList<>();
    for (ValueInfoProto vi : g.getInputList()) {
      inputs.add(define(vi.getName(), ProtoTypes.fromProto(vi.getType(), where("input '" + vi.getName() + "'"))));
    }
    Map<Value, TensorData> inits = new LinkedHashMap<>();
    for (TensorProto t : g.getInitializerList()) {
      TensorData data = tensor(t);
      Value v = define(t.getName(), ValueType.tensor(data.dtype(), data.shape()));
      inits.put(v, data);
      constants.put(v, data);
    }
    List<Node> nodes = new ArrayList<>();
    for (NodeProto n : g.getNodeList()) {
      nodes.add(node(n));
    }
    List<Value> outputs = new ArrayList<>();
    for (ValueInfoProto vi : g.getOutputList()) {
      Value v = values.get(vi.getName());
      if (v == null) {
        throw new SerdeException(where("graph output '" + vi.getName() + "' is not produced by anything"));
      }
      outputs.add(v);
    }
    return new Graph(g.getName(), inputs, inits, nodes, outputs, g.getDocString());
  }

  private Node node(NodeProto n) {
    String name = n.getName().isEmpty() ? n.getOpType() + "_" + nextId : n.getName();
    String what = where("node '" + name + "' (" + n.getOpType() + ")");
    List<Value> in = new ArrayList<>();
    for (String s : n.getInputList()) {
      if (s.isEmpty()) {
        in.add(null);
      } else {
        Value v = values.get(s);
        if (v == null) {
          throw new SerdeException(what + ": input '" + s + "' is not defined before the node");
        }
        in.add(v);
      }
    }
    Map<String, Attribute> attrs = new LinkedHashMap<>();
    for (AttributeProto a : n.getAttributeList()) {
      attrs.put(a.getName(), ProtoTypes.fromProto(a, what));
    }
    List<ValueType> types = outputTypes(n, in, attrs, name, what);
    List<Value> out = new ArrayList<>();
    for (int i = 0; i < n.getOutputCount(); i++) {
      out.add(define(n.getOutput(i), types.get(i)));
    }
    return new Node(name, n.getDomain(), n.getOpType(), in, out, attrs);
  }

  private List<ValueType> outputTypes(NodeProto n, List<Value> in, Map<String, Attribute> attrs, String name,
      String what) {
    boolean allDeclared = n.getOutputList().stream().allMatch(declared::containsKey);
    if (allDeclared) {
      return n.getOutputList().stream().map(declared::get).toList();
    }
    OpSchema schema = catalog.find(n.getDomain(), n.getOpType()).orElseThrow(() -> new SerdeException(what
        + ": its outputs have no declared types and the op is not in the catalog"));
    List<ValueType> inTypes = new ArrayList<>();
    List<TensorData> known = new ArrayList<>();
    for (Value v : in) {
      inTypes.add(v == null ? null : v.type());
      known.add(v == null ? null : constants.get(v));
    }
    List<ValueType> inferred;
    try {
      inferred = schema.inference().infer(
          new InferenceContext(name, schema, inTypes, known, attrs, n.getOutputCount()));
    } catch (IllegalArgumentException | IllegalStateException e) {
      throw new SerdeException(where(e.getMessage()), e);
    }
    List<ValueType> out = new ArrayList<>();
    for (int i = 0; i < n.getOutputCount(); i++) {
      out.add(declared.getOrDefault(n.getOutput(i), inferred.get(i)));
    }
    return out;
  }

  private Value define(String name, ValueType type) {
    if (name.isEmpty()) {
      throw new SerdeException(where("a value has an empty name"));
    }
    if (values.containsKey(name)) {
      throw new SerdeException(where("value '" + name + "' is defined twice (input, initializer or node output)"));
    }
    Value v = new Value(nextId++, name, type);
    values.put(name, v);
    return v;
  }

  private TensorData tensor(TensorProto t) {
    String what = where("initializer '" + t.getName() + "'");
    if (t.getDataLocation() != TensorProto.DataLocation.EXTERNAL) {
      return ProtoTypes.fromProto(t, what);
    }
    if (baseDir == null) {
      throw new SerdeException(what + ": has external data, which needs the model's folder; read it from a file");
    }
    Map<String, String> kv = new HashMap<>();
    t.getExternalDataList().forEach(e -> kv.put(e.getKey(), e.getValue()));
    String location = kv.get("location");
    if (location == null) {
      throw new SerdeException(what + ": external data without a location");
    }
    Path file = baseDir.resolve(location).normalize();
    if (!file.startsWith(baseDir)) {
      throw new SerdeException(what + ": external data location '" + location + "' leaves the model's folder");
    }
    DataType dt = ProtoTypes.dataType(t.getDataType(), what);
    Shape shape = Shape.of(t.getDimsList().stream().mapToLong(Long::longValue).toArray());
    long length = shape.elementCount() * dt.byteSize();
    long offset = Long.parseLong(kv.getOrDefault("offset", "0"));
    if (kv.containsKey("length") && Long.parseLong(kv.get("length")) != length) {
      throw new SerdeException(what + ": external length " + kv.get("length") + " does not match " + dt + shape);
    }
    byte[] raw = new byte[Math.toIntExact(length)];
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      ByteBuffer buf = ByteBuffer.wrap(raw);
      long pos = offset;
      while (buf.hasRemaining()) {
        int r = ch.read(buf, pos);
        if (r < 0) {
          throw new SerdeException(what + ": external data file " + file + " ends before offset " + (offset + length));
        }
        pos += r;
      }
    } catch (NoSuchFileException e) {
      throw new SerdeException(what + ": external data file not found: " + file);
    } catch (IOException e) {
      throw new SerdeException(what + ": cannot read " + file + ": " + e.getMessage(), e);
    }
    return TensorData.ofRaw(dt, shape, raw);
  }

  private String where(String what) {
    return source + ": " + what;
  }
}
