package dev.loca.graph.serde;

import dev.loca.graph.ir.Graph;
import dev.loca.graph.ir.Model;
import dev.loca.graph.ir.Node;
import dev.loca.graph.ir.OpsetId;
import dev.loca.graph.ir.TensorData;
import dev.loca.graph.ir.Value;
import dev.loca.graph.serde.proto.OnnxProto.GraphProto;
import dev.loca.graph.serde.proto.OnnxProto.ModelProto;
import dev.loca.graph.serde.proto.OnnxProto.NodeProto;
import dev.loca.graph.serde.proto.OnnxProto.OperatorSetIdProto;
import dev.loca.graph.serde.proto.OnnxProto.StringStringEntryProto;
import dev.loca.graph.serde.proto.OnnxProto.TensorProto;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Writes models as ONNX {@code ModelProto} files. The same model always gives the same bytes. Large
 * initializers can go to a side file ({@code <model file>.data}, ONNX external data) so that models over
 * 2 GiB can be written; files are written to a temporary name and moved into place.
 */
public final class ModelWriter {
  private static final int EXTERNAL_ALIGNMENT = 4096;
  private static final long PROTOBUF_LIMIT = Integer.MAX_VALUE;

  private ModelWriter() {}

  /** The model as bytes with all data inline; fails for models protobuf cannot hold. */
  public static byte[] toBytes(Model model) {
    return toBytes(model, WriteOptions.defaults().withExternalData(WriteOptions.ExternalData.NEVER, 0));
  }

  public static byte[] toBytes(Model model, WriteOptions options) {
    if (options.externalData() == WriteOptions.ExternalData.ALWAYS) {
      throw new SerdeException("external data needs a file; use write(model, path, options)");
    }
    long total = initializerBytes(model.graph());
    if (total >= PROTOBUF_LIMIT) {
      throw new SerdeException("model '" + model.graph().name() + "' holds " + total
          + " bytes of initializers, over protobuf's 2 GiB; write it to a file with external data");
    }
    try {
      return toProto(model, options, null).toByteArray();
    } catch (IOException e) {
      throw new IllegalStateException("no I/O happens without external data", e);
    }
  }

  /** Writes the model to {@code path} with default options (external data when over 1 GiB). */
  public static void write(Model model, Path path) {
    write(model, path, WriteOptions.defaults());
  }

  public static void write(Model model, Path path, WriteOptions options) {
    boolean external = switch (options.externalData()) {
      case NEVER -> false;
      case ALWAYS -> true;
      case AUTO -> initializerBytes(model.graph()) > WriteOptions.AUTO_EXTERNAL_TOTAL_BYTES;
    };
    Path dir = path.toAbsolutePath().getParent();
    String fileName = path.getFileName().toString();
    try {
      if (dir != null) {
        Files.createDirectories(dir);
      }
      ExternalSink sink = null;
      Path dataTmp = null;
      Path dataFile = null;
      if (external) {
        dataFile = path.resolveSibling(fileName + ".data");
        dataTmp = path.resolveSibling(fileName + ".data.tmp");
        sink = new ExternalSink(dataFile.getFileName().toString(),
            FileChannel.open(dataTmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE), options.externalThresholdBytes());
      }
      ModelProto proto;
      try (ExternalSink s = sink) {
        proto = toProto(model, options, s);
      }
      Path tmp = path.resolveSibling(fileName + ".tmp");
      try (OutputStream out = Files.newOutputStream(tmp)) {
        proto.writeTo(out);
      }
      if (dataTmp != null) {
        Files.move(dataTmp, dataFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      }
      Files.move(tmp, path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new SerdeException("cannot write model to " + path + ": " + e.getMessage(), e);
    }
  }

  private static long initializerBytes(Graph g) {
    return g.initializers().values().stream().mapToLong(TensorData::byteSize).sum();
  }

  static ModelProto toProto(Model model, WriteOptions options, ExternalSink sink) throws IOException {
    ModelProto.Builder m = ModelProto.newBuilder()
        .setIrVersion(model.irVersion())
        .setProducerName(model.producerName())
        .setProducerVersion(model.producerVersion());
    for (OpsetId o : model.opsets()) {
      m.addOpsetImport(OperatorSetIdProto.newBuilder().setDomain(o.domain()).setVersion(o.version()));
    }
    for (Map.Entry<String, String> e : model.metadata().entrySet()) {
      m.addMetadataProps(StringStringEntryProto.newBuilder().setKey(e.getKey()).setValue(e.getValue()));
    }
    m.setGraph(graph(model.graph(), options, sink));
    return m.build();
  }

  private static GraphProto graph(Graph g, WriteOptions options, ExternalSink sink) throws IOException {
    GraphProto.Builder b = GraphProto.newBuilder().setName(g.name());
    if (!g.docString().isEmpty()) {
      b.setDocString(g.docString());
    }
    for (Value v : g.inputs()) {
      b.addInput(ProtoTypes.valueInfo(v.name(), v.type()));
    }
    for (Map.Entry<Value, TensorData> e : g.initializers().entrySet()) {
      String name = e.getKey().name();
      TensorData t = e.getValue();
      b.addInitializer(sink != null && t.byteSize() >= sink.threshold ? sink.write(name, t)
          : ProtoTypes.toProto(name, t));
    }
    Set<Value> outputs = new HashSet<>(g.outputs());
    for (Node n : g.nodes()) {
      NodeProto.Builder nb = NodeProto.newBuilder().setName(n.name()).setOpType(n.opType());
      if (!n.domain().isEmpty()) {
        nb.setDomain(n.domain());
      }
      n.inputs().forEach(v -> nb.addInput(v == null ? "" : v.name()));
      n.outputs().forEach(v -> nb.addOutput(v.name()));
      n.attributes().forEach((k, a) -> nb.addAttribute(ProtoTypes.toProto(k, a)));
      b.addNode(nb);
      if (options.valueInfo()) {
        for (Value v : n.outputs()) {
          if (!outputs.contains(v)) {
            b.addValueInfo(ProtoTypes.valueInfo(v.name(), v.type()));
          }
        }
      }
    }
    for (Value v : g.outputs()) {
      b.addOutput(ProtoTypes.valueInfo(v.name(), v.type()));
    }
    return b.build();
  }

  /** Appends tensor contents to the side file at aligned offsets. */
  static final class ExternalSink implements AutoCloseable {
    private final String location;
    private final FileChannel channel;
    private final long threshold;
    private long offset;

    ExternalSink(String location, FileChannel channel, long threshold) {
      this.location = location;
      this.channel = channel;
      this.threshold = threshold;
    }

    TensorProto write(String name, TensorData t) throws IOException {
      long aligned = (offset + EXTERNAL_ALIGNMENT - 1) / EXTERNAL_ALIGNMENT * EXTERNAL_ALIGNMENT;
      ByteBuffer data = t.rawBuffer();
      long length = data.remaining();
      long pos = aligned;
      while (data.hasRemaining()) {
        pos += channel.write(data, pos);
      }
      offset = aligned + length;
      return ProtoTypes.tensorHeader(name, t)
          .addExternalData(entry("location", location))
          .addExternalData(entry("offset", Long.toString(aligned)))
          .addExternalData(entry("length", Long.toString(length)))
          .setDataLocation(TensorProto.DataLocation.EXTERNAL)
          .build();
    }

    private static StringStringEntryProto entry(String k, String v) {
      return StringStringEntryProto.newBuilder().setKey(k).setValue(v).build();
    }

    @Override
    public void close() throws IOException {
      channel.force(true);
      channel.close();
    }
  }
}
