package dev.loca.eval.finetune;

import com.google.common.base.Preconditions;
import dev.loca.runtime.data.BatchAssembler;
import dev.loca.runtime.data.LoaderPosition;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A batch of segmentation crops in direct native-order buffers: images float [B, 3, S, S] and labels int64
 * [B, S, S]. Whoever receives it owns it until {@link #close()}, which hands the buffers back to the
 * {@link Assembler} for a later batch (tensors wrapping them must be closed first).
 */
public final class SegmentationBatch implements AutoCloseable {
  private final Buffers buffers;
  private final LoaderPosition position;
  private final Queue<Buffers> pool;
  private final AtomicBoolean closed = new AtomicBoolean();

  private SegmentationBatch(Buffers buffers, LoaderPosition position, Queue<Buffers> pool) {
    this.buffers = buffers;
    this.position = position;
    this.pool = pool;
  }

  public int size() {
    return buffers.batch;
  }

  public int imageSize() {
    return buffers.size;
  }

  public LoaderPosition position() {
    return position;
  }

  public long[] imageShape() {
    return new long[] {buffers.batch, 3, buffers.size, buffers.size};
  }

  public long[] labelShape() {
    return new long[] {buffers.batch, buffers.size, buffers.size};
  }

  public FloatBuffer images() {
    checkOpen();
    return buffers.images.duplicate().order(ByteOrder.nativeOrder()).asFloatBuffer();
  }

  /** The labels as bytes (int64, native order), for a tensor to wrap. */
  public ByteBuffer labelBytes() {
    checkOpen();
    return buffers.labels.duplicate().order(ByteOrder.nativeOrder());
  }

  public LongBuffer labels() {
    return labelBytes().asLongBuffer();
  }

  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      pool.add(buffers);
    }
  }

  private void checkOpen() {
    Preconditions.checkState(!closed.get(), "batch %s is closed", position);
  }

  private static final class Buffers {
    final int batch;
    final int size;
    final ByteBuffer images;
    final ByteBuffer labels;

    Buffers(int batch, int size) {
      this.batch = batch;
      this.size = size;
      long pixels = (long) batch * size * size;
      images = ByteBuffer.allocateDirect(Math.toIntExact(3 * pixels * Float.BYTES)).order(ByteOrder.nativeOrder());
      labels = ByteBuffer.allocateDirect(Math.toIntExact(pixels * Long.BYTES)).order(ByteOrder.nativeOrder());
    }
  }

  /** Packs augmented samples into batches, reusing the buffers of closed batches. */
  public static final class Assembler implements BatchAssembler<SegmentationAugment.Result, SegmentationBatch> {
    private final int size;
    private final Queue<Buffers> free = new ConcurrentLinkedQueue<>();

    public Assembler(int size) {
      this.size = size;
    }

    @Override
    public SegmentationBatch assemble(List<SegmentationAugment.Result> samples, LoaderPosition position) {
      Buffers b = free.poll();
      if (b == null || b.batch != samples.size()) {
        b = new Buffers(samples.size(), size);
      }
      FloatBuffer images = b.images.duplicate().order(ByteOrder.nativeOrder()).asFloatBuffer();
      LongBuffer labels = b.labels.duplicate().order(ByteOrder.nativeOrder()).asLongBuffer();
      for (SegmentationAugment.Result r : samples) {
        Preconditions.checkArgument(r.image().length == 3 * size * size && r.labels().length == size * size,
            "sample is not %sx%s", size, size);
        images.put(r.image());
        for (int label : r.labels()) {
          labels.put(label);
        }
      }
      return new SegmentationBatch(b, position, free);
    }
  }
}
