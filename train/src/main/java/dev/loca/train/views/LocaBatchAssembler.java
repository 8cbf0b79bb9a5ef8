package dev.loca.train.views;

import com.google.common.base.Preconditions;
import dev.loca.runtime.data.BatchAssembler;
import dev.loca.runtime.data.LoaderPosition;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Copies the samples of a batch into a {@link LocaBatch} in the query-major layout, reusing the buffers of
 * batches that were closed. Thread-safe.
 */
public final class LocaBatchAssembler implements BatchAssembler<LocaSample, LocaBatch> {
  private final ViewsConfig config;
  private final Queue<LocaBatch.Buffers> free = new ConcurrentLinkedQueue<>();

  public LocaBatchAssembler(ViewsConfig config) {
    this.config = config;
  }

  @Override
  public LocaBatch assemble(List<LocaSample> samples, LoaderPosition position) {
    int batchSize = samples.size();
    LocaBatch.Buffers buffers = free.poll();
    if (buffers == null || !buffers.fits(config, batchSize)) {
      buffers = new LocaBatch.Buffers(config, batchSize);
    }
    FloatBuffer reference = buffers.parts.get(LocaBatch.Part.REFERENCE).asFloatBuffer();
    FloatBuffer query0 = buffers.parts.get(LocaBatch.Part.QUERY0).asFloatBuffer();
    LongBuffer query0Labels = buffers.parts.get(LocaBatch.Part.QUERY0_LABELS).asLongBuffer();
    FloatBuffer focal = buffers.parts.get(LocaBatch.Part.FOCAL).asFloatBuffer();
    LongBuffer focalLabels = buffers.parts.get(LocaBatch.Part.FOCAL_LABELS).asLongBuffer();
    for (int b = 0; b < batchSize; b++) {
      LocaSample s = samples.get(b);
      Preconditions.checkArgument(s.focal().size() == config.focalCount(), "sample %s has %s focal queries, not %s",
          s.id(), s.focal().size(), config.focalCount());
      reference.put(b * s.reference().length, s.reference());
      query0.put(b * s.query0().pixels().length, s.query0().pixels());
      putLongs(query0Labels, b * s.query0().labels().length, s.query0().labels());
      for (int q = 0; q < config.focalCount(); q++) {
        QueryView view = s.focal().get(q);
        int row = q * batchSize + b;
        focal.put(row * view.pixels().length, view.pixels());
        putLongs(focalLabels, row * view.labels().length, view.labels());
      }
    }
    List<String> ids = samples.stream().map(LocaSample::id).toList();
    return new LocaBatch(buffers, position, ids, free::add);
  }

  private static void putLongs(LongBuffer target, int at, int[] values) {
    for (int i = 0; i < values.length; i++) {
      target.put(at + i, values[i]);
    }
  }
}
