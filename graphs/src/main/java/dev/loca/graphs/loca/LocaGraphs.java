package dev.loca.graphs.loca;

import dev.loca.graph.build.GraphBuilder;
import dev.loca.graph.ir.DataType;
import dev.loca.graph.ir.Graph;
import dev.loca.graph.ir.Shape;
import dev.loca.graph.ir.TensorData;
import dev.loca.graph.ir.Value;
import dev.loca.graphs.heads.CrossAttentionBlock;
import dev.loca.graphs.heads.PositionClassifier;
import dev.loca.graphs.heads.ProjectionHead;
import dev.loca.graphs.heads.Prototypes;
import dev.loca.graphs.losses.LocaLosses;
import dev.loca.graphs.losses.Sinkhorn;
import dev.loca.graphs.vit.DropPath;
import dev.loca.graphs.vit.VitEncoder;
import java.util.ArrayList;
import java.util.List;

/**
 * LOCA's two graphs (spec §3.7). The teacher encodes the reference and gives the Sinkhorn targets of all
 * its tokens and the consecutive run of tokens the student attends to; the student encodes query0 (with
 * early token dropping) and the focal queries and computes the three losses. Both use the same dotted
 * parameter names, so the teacher is fed from the EMA copy of the student's weights by name.
 */
public final class LocaGraphs {
  /** Parameter scopes, shared by student, teacher, checkpoints and exports. */
  public static final String ENCODER = "encoder";
  public static final String HEAD = "head";
  public static final String PROTOTYPES = "prototypes";
  public static final String CROSS = "cross_attention";
  public static final String POSITION = "position";

  /** Graph input and output names: the contract with the trainer. */
  public static final String REFERENCE = "reference";
  public static final String REFERENCE_DROP_PATH = "reference_drop_path";
  public static final String REFERENCE_OFFSET = "reference_offset";
  public static final String TARGETS = "teacher_targets";
  public static final String MEMORY = "teacher_memory";
  public static final String QUERY0 = "query0";
  public static final String QUERY0_KEEP = "query0_keep";
  public static final String QUERY0_LABELS = "query0_labels";
  public static final String QUERY0_DROP_PATH = "query0_drop_path";
  public static final String FOCAL = "focal";
  public static final String FOCAL_LABELS = "focal_labels";
  public static final String FOCAL_DROP_PATH = "focal_drop_path";
  public static final String LOSS = "loss";
  public static final String LOSS_POSITION = "loss_position";
  public static final String LOSS_FEATURE = "loss_feature";
  public static final String LOSS_MEMAX = "loss_memax";
  public static final String POSITION_ACCURACY = "position_accuracy";

  private LocaGraphs() {}

  /** The student's forward graph with its loss; parameters are initializers drawn from {@code seed}. */
  public record Student(Graph graph, Value loss, List<Value> parameters) {}

  /** The teacher's forward graph; its parameters (initializers here) are fed from the EMA buffer. */
  public record Teacher(Graph graph, List<Value> parameters) {}

  /** The student with a symbolic batch. */
  public static Student student(LocaConfig c, long seed) {
    return student(c, seed, 0, false);
  }

  /**
   * The student; {@code batch > 0} fixes the batch (for FLOP counts and static shapes), 0 keeps it
   * symbolic ({@code batch}, {@code focal_batch} = focal queries × batch, {@code reference_tokens} =
   * batch × reference positions). {@code structureOnly} declares the parameters as inputs without values
   * (see {@link GraphBuilder#structureOnly()}).
   */
  public static Student student(LocaConfig c, long seed, int batch, boolean structureOnly) {
    Dims n = new Dims(c, batch);
    GraphBuilder b = builder("loca_student", seed, structureOnly);
    long d = c.vit().width();
    int depth = DropPath.columns(c.vit());
    int nRef = c.referencePositions();
    Value q0 = b.input(QUERY0, DataType.FLOAT, n.shape("batch", 3, c.query0Size(), c.query0Size()));
    Value keep = b.input(QUERY0_KEEP, DataType.INT64, n.shape("batch", c.queryMaxSeqlen()));
    Value labels0 = b.input(QUERY0_LABELS, DataType.INT64, n.shape("batch", c.query0Tokens()));
    Value dp0 = b.input(QUERY0_DROP_PATH, DataType.FLOAT, n.shape("batch", depth));
    VitEncoder encoder = new VitEncoder(c.vit());
    boolean cluster = c.applyClusterLoss();
    Value memory;
    Value targets = null;
    if (cluster) {
      memory = b.input(MEMORY, DataType.FLOAT, n.shape("batch", c.referenceSeqlen(), d));
      targets = b.input(TARGETS, DataType.FLOAT, n.shape("reference_tokens", c.prototypes()));
    } else {
      // location-only (spec §4.6): the student encodes the reference itself, keeping its run of tokens early
      Value ref = b.input(REFERENCE, DataType.FLOAT, n.shape("batch", 3, c.referenceSize(), c.referenceSize()));
      Value offset = b.input(REFERENCE_OFFSET, DataType.INT64, n.shape("batch"));
      Value refDp = b.input(REFERENCE_DROP_PATH, DataType.FLOAT, n.shape("batch", depth));
      memory = encoder.apply(b, ref, consecutive(b, offset, c.referenceSeqlen()), refDp, true);
    }
    Heads q0Heads = heads(b, c, encoder.apply(b, q0, keep, dp0, cluster), memory);
    Value kept = b.node("GatherElements").inputs(labels0, keep).attr("axis", 1L).build();
    Value batchSize = b.op("Gather", b.op("Shape", q0), b.constant(TensorData.scalar(0L)));
    Value images = b.op("Range", b.constant(TensorData.scalar(0L)), batchSize, b.constant(TensorData.scalar(1L)));
    List<Value> logits = new ArrayList<>(List.of(flat(b, q0Heads.logits, nRef)));
    List<Value> scores = new ArrayList<>();
    if (cluster) {
      scores.add(flat(b, q0Heads.scores, c.prototypes()));
    }
    List<Value> labels = new ArrayList<>(List.of(b.op("Reshape", kept, b.longs(-1))));
    List<Value> rows = new ArrayList<>(List.of(rows(b, images, kept, nRef)));
    if (c.focalQueries() > 0) {
      Value focal = b.input(FOCAL, DataType.FLOAT, n.shape("focal_batch", 3, c.focalSize(), c.focalSize()));
      Value focalLabels = b.input(FOCAL_LABELS, DataType.INT64, n.shape("focal_batch", c.focalTokens()));
      Value dpF = b.input(FOCAL_DROP_PATH, DataType.FLOAT, n.shape("focal_batch", depth));
      // query-major: the focal batch is [query 1 of every image, query 2 of every image, ...]
      Value focalMemory = b.op("Tile", memory, b.longs(c.focalQueries(), 1, 1));
      Heads fHeads = b.reusingParameters(() -> heads(b, c, encoder.apply(b, focal, null, dpF, cluster), focalMemory));
      Value focalImages = b.op("Tile", images, b.longs(c.focalQueries()));
      logits.add(flat(b, fHeads.logits, nRef));
      if (cluster) {
        scores.add(flat(b, fHeads.scores, c.prototypes()));
      }
      labels.add(b.op("Reshape", focalLabels, b.longs(-1)));
      rows.add(rows(b, focalImages, focalLabels, nRef));
    }
    Value loss;
    if (cluster) {
      LocaLosses losses = LocaLosses.compute(b, concat(b, logits), concat(b, scores), concat(b, labels),
          concat(b, rows), targets, c.temperature());
      loss = b.output(LOSS, losses.total());
      b.output(LOSS_POSITION, losses.position());
      b.output(LOSS_FEATURE, b.op("Add", losses.feature(), losses.memax()));
      b.output(LOSS_MEMAX, losses.memax());
      b.output(POSITION_ACCURACY, losses.positionAccuracy());
    } else {
      LocaLosses losses = LocaLosses.compute(b, concat(b, logits), concat(b, labels));
      loss = b.output(LOSS, losses.total());
      b.output(LOSS_POSITION, losses.position());
      b.output(POSITION_ACCURACY, losses.positionAccuracy());
    }
    return new Student(b.build(), loss, b.parameters());
  }

  /** Position logits and cluster scores of a batch of query tokens. */
  private record Heads(Value logits, Value scores) {}

  private static Heads heads(GraphBuilder b, LocaConfig c, Value tokens, Value memory) {
    long d = c.vit().width();
    Value scores = null;
    if (c.applyClusterLoss()) {
      Value h = ProjectionHead.apply(b, HEAD, tokens, d, c.headHidden(), c.headBottleneck());
      scores = Prototypes.scores(b, PROTOTYPES, h, c.headBottleneck(), c.prototypes());
    }
    Value z = CrossAttentionBlock.apply(b, CROSS, tokens, memory, d, c.vit().heads(), c.vit().mlpDim());
    Value logits = PositionClassifier.apply(b, POSITION, z, d, c.referencePositions());
    return new Heads(logits, scores);
  }

  /** Per image, the raster indices offset, offset+1, ..., offset+length−1: [B, length]. */
  private static Value consecutive(GraphBuilder b, Value offset, int length) {
    long[] run = new long[length];
    for (int i = 0; i < length; i++) {
      run[i] = i;
    }
    return b.op("Add", b.node("Unsqueeze").inputs(offset, b.longs(1)).build(), b.longs(run));
  }

  /** [.., n] → [-1, n]. */
  private static Value flat(GraphBuilder b, Value v, long n) {
    return b.op("Reshape", v, b.longs(-1, n));
  }

  private static Value concat(GraphBuilder b, List<Value> parts) {
    return parts.size() == 1 ? parts.get(0) : b.node("Concat").inputs(parts).attr("axis", 0L).build();
  }

  /** Row of the flattened teacher targets each token reads: image·nRef + label (label −1 clamped to 0). */
  private static Value rows(GraphBuilder b, Value images, Value labels, int nRef) {
    Value img = b.node("Unsqueeze").inputs(images, b.longs(1)).build();
    Value clamped = b.op("Max", labels, b.constant(TensorData.scalar(0L)));
    Value r = b.op("Add", b.op("Mul", img, b.constant(TensorData.scalar((long) nRef))), clamped);
    return b.op("Reshape", r, b.longs(-1));
  }

  /**
   * The teacher: reference → encoder (with drop path) → projection head → prototypes → Sinkhorn targets
   * over all B·nRef tokens; and the {@code reference_seqlen} consecutive tokens starting at each image's
   * offset (raster order) as the student's keys and values.
   */
  public static Teacher teacher(LocaConfig c, long seed) {
    return teacher(c, seed, 0, false);
  }

  /** The teacher; batch and structure-only as for {@link #student(LocaConfig, long, int, boolean)}. */
  public static Teacher teacher(LocaConfig c, long seed, int batch, boolean structureOnly) {
    if (!c.applyClusterLoss()) {
      throw new IllegalArgumentException("the location-only ablation has no teacher");
    }
    Dims n = new Dims(c, batch);
    GraphBuilder b = builder("loca_teacher", seed, structureOnly);
    int depth = DropPath.columns(c.vit());
    Value ref = b.input(REFERENCE, DataType.FLOAT, n.shape("batch", 3, c.referenceSize(), c.referenceSize()));
    Value dp = b.input(REFERENCE_DROP_PATH, DataType.FLOAT, n.shape("batch", depth));
    Value offset = b.input(REFERENCE_OFFSET, DataType.INT64, n.shape("batch"));
    Value tokens = new VitEncoder(c.vit()).apply(b, ref, null, dp);
    long d = c.vit().width();
    Value h = ProjectionHead.apply(b, HEAD, flat(b, tokens, d), d, c.headHidden(), c.headBottleneck());
    Value scores = Prototypes.scores(b, PROTOTYPES, h, c.headBottleneck(), c.prototypes());
    b.output(TARGETS, Sinkhorn.targets(b, scores, c.sharpening(), c.sinkhornIterations()));
    Value idx = consecutive(b, offset, c.referenceSeqlen());
    Value idx3 = b.op("Expand", b.node("Unsqueeze").inputs(idx, b.longs(2)).build(),
        b.longs(1, c.referenceSeqlen(), d));
    Value memory = b.node("GatherElements").inputs(tokens, idx3).attr("axis", 1L).build();
    b.output(MEMORY, memory);
    return new Teacher(b.build(), b.parameters());
  }

  /**
   * LOCA's graphs run on ONNX Runtime only, so they use its fused forward kernels in both flavours (the flavour
   * picks the backward rules). FastGelu matters for memory: the backward keeps only its input and recomputes
   * the rest, where the eight plain ops of the tanh form would each keep a tensor as large as the MLP's hidden
   * layer for the backward (peak RSS of the tiny-p8-64 bench at batch 16: 1.4 instead of 1.8 GiB,
   * docs/PERFORMANCE.md).
   */
  private static GraphBuilder builder(String name, long seed, boolean structureOnly) {
    GraphBuilder b = new GraphBuilder(name, seed).ortKernels();
    return structureOnly ? b.structureOnly() : b;
  }

  /** Input shapes whose leading dimension is a named batch size, symbolic or fixed. */
  private record Dims(LocaConfig c, int batch) {
    Shape shape(String symbol, long... rest) {
      Object[] dims = new Object[rest.length + 1];
      dims[0] = batch <= 0 ? symbol : switch (symbol) {
        case "batch" -> (long) batch;
        case "focal_batch" -> (long) batch * c.focalQueries();
        case "reference_tokens" -> (long) batch * c.referencePositions();
        default -> throw new IllegalArgumentException(symbol);
      };
      for (int i = 0; i < rest.length; i++) {
        dims[i + 1] = rest[i];
      }
      return Shape.symbolic(dims);
    }
  }
}
