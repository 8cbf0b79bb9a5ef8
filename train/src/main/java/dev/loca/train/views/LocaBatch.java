package dev.loca.train.views;

import com.google.common.base.Preconditions;
import dev.loca.runtime.data.LoaderPosition;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * A batch of LOCA views in the query-major layout of spec §2.9, in direct native-order buffers that ONNX
 * Runtime can wrap without a copy ({@code OrtTensor.wrap(batch.floats(part), batch.shape(part))}, or
 * {@code OrtTensor.wrap(batch.bytes(part), INT64, shape)} for labels).
 *
 * <table>
 *   <caption>parts</caption>
 *   <tr><td>{@link Part#REFERENCE}</td><td>float [B, 3, R, R]</td></tr>
 *   <tr><td>{@link Part#QUERY0}</td><td>float [B, 3, Q, Q]</td></tr>
 *   <tr><td>{@link Part#QUERY0_LABELS}</td><td>int64 [B, G0*G0]</td></tr>
 *   <tr><td>{@link Part#FOCAL}</td><td>float [F*B, 3, S, S]: query 1 of all B images, then query 2, ...</td></tr>
 *   <tr><td>{@link Part#FOCAL_LABELS}</td><td>int64 [F*B, G*G], same order</td></tr>
 * </table>
 *
 * <p><b>Ownership.</b> Whoever receives a batch owns it until {@link #close()}, which hands its buffers back
 * for a later batch to overwrite; tensors wrapping them must be closed (or finished with) first. Accessors
 * fail after close. A batch that is never closed is simply garbage-collected, at the cost of a new allocation.
 */
public final class LocaBatch implements AutoCloseable {
  /** The tensors of a batch. */
  public enum Part {
    REFERENCE, QUERY0, QUERY0_LABELS, FOCAL, FOCAL_LABELS;

    public boolean isLabels() {
      return this == QUERY0_LABELS || this == FOCAL_LABELS;
    }
  }

  private final Buffers buffers;
  private final LoaderPosition position;
  private final List<String> ids;
  private final Consumer<Buffers> release;
  private final AtomicBoolean closed = new AtomicBoolean();

  LocaBatch(Buffers buffers, LoaderPosition position, List<String> ids, Consumer<Buffers> release) {
    this.buffers = buffers;
    this.position = position;
    this.ids = List.copyOf(ids);
    this.release = release;
  }

  /** Number of images B. */
  public int size() {
    return buffers.batchSize;
  }

  /** Where this batch stands in the loader's order. */
  public LoaderPosition position() {
    return position;
  }

  /** The dataset ids of its B images, in order. */
  public List<String> ids() {
    return ids;
  }

  public ViewsConfig config() {
    return buffers.config;
  }

  /** The shape of a part, as above. */
  public long[] shape(Part part) {
    return buffers.shape(part);
  }

  /** A part's bytes: a direct, native-order view from its first element (position 0, limit at its end). */
  public ByteBuffer bytes(Part part) {
    checkOpen();
    return buffers.parts.get(part).duplicate().order(ByteOrder.nativeOrder());
  }

  /** A float part as a direct native-order FloatBuffer. */
  public FloatBuffer floats(Part part) {
    Preconditions.checkArgument(!part.isLabels(), "%s holds int64 labels", part);
    return bytes(part).asFloatBuffer();
  }

  /** A label part as a direct native-order LongBuffer. */
  public LongBuffer longs(Part part) {
    Preconditions.checkArgument(part.isLabels(), "%s holds floats", part);
    return bytes(part).asLongBuffer();
  }

  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      release.accept(buffers);
    }
  }

  private void checkOpen() {
    Preconditions.checkState(!closed.get(), "batch %s is closed", position);
  }

  /** The direct buffers of one batch, reused from batch to batch. */
  static final class Buffers {
    final ViewsConfig config;
    final int batchSize;
    final Map<Part, ByteBuffer> parts = new EnumMap<>(Part.class);

    Buffers(ViewsConfig config, int batchSize) {
      this.config = config;
      this.batchSize = batchSize;
      for (Part p : Part.values()) {
        long elements = 1;
        for (long d : shape(p)) {
          elements *= d;
        }
        parts.put(p, ByteBuffer.allocateDirect(Math.toIntExact(elements * (p.isLabels() ? Long.BYTES : Float.BYTES)))
            .order(ByteOrder.nativeOrder()));
      }
    }

    long[] shape(Part part) {
      long b = batchSize;
      long focal = (long) config.focalCount() * batchSize;
      return switch (part) {
        case REFERENCE -> new long[] {b, 3, config.referenceSize(), config.referenceSize()};
        case QUERY0 -> new long[] {b, 3, config.query0Size(), config.query0Size()};
        case QUERY0_LABELS -> new long[] {b, (long) config.query0Grid() * config.query0Grid()};
        case FOCAL -> new long[] {focal, 3, config.focalSize(), config.focalSize()};
        case FOCAL_LABELS -> new long[] {focal, (long) config.focalGrid() * config.focalGrid()};
      };
    }

    boolean fits(ViewsConfig c, int b) {
      return config.equals(c) && batchSize == b;
    }
  }
}
