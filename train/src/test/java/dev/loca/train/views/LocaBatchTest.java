package dev.loca.train.views;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loca.runtime.data.LoaderPosition;
import dev.loca.runtime.data.ops.CropBox;
import dev.loca.runtime.ort.ElementType;
import dev.loca.runtime.ort.OrtTensor;
import dev.loca.train.views.LocaBatch.Part;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The query-major layout, checked with samples whose pixels and labels encode (image b, query q). */
class LocaBatchTest {
  private static final ViewsConfig CONFIG = ViewsConfig.cpu().withSizes(16, 8, 8, 4).withFocalCount(3);
  private static final int B = 4;

  /** Pixel value of image b's query q (0 = query0, 1.. = focal, -1 = reference). */
  private static float code(int b, int q) {
    return 100 * b + q;
  }

  private static LocaSample sample(int b) {
    CropBox box = CropBox.whole(1, 1);
    List<QueryView> focal = new ArrayList<>();
    for (int q = 1; q <= CONFIG.focalCount(); q++) {
      focal.add(new QueryView(filled(3 * 8 * 8, code(b, q)), labels(4, b, q), box, false));
    }
    return new LocaSample("img" + b, 1, 1, filled(3 * 16 * 16, code(b, -1)), box,
        new QueryView(filled(3 * 8 * 8, code(b, 0)), labels(4, b, 0), box, false), focal);
  }

  private static float[] filled(int n, float v) {
    float[] a = new float[n];
    Arrays.fill(a, v);
    return a;
  }

  private static int[] labels(int n, int b, int q) {
    int[] a = new int[n];
    Arrays.setAll(a, i -> 1000 * b + 10 * q + i);
    return a;
  }

  private static List<LocaSample> samples() {
    List<LocaSample> s = new ArrayList<>();
    for (int b = 0; b < B; b++) {
      s.add(sample(b));
    }
    return s;
  }

  @Test
  void partsAreQueryMajorDirectNativeBuffers() {
    LocaBatchAssembler assembler = new LocaBatchAssembler(CONFIG);
    try (LocaBatch batch = assembler.assemble(samples(), new LoaderPosition(2, 5))) {
      assertEquals(new LoaderPosition(2, 5), batch.position());
      assertEquals(List.of("img0", "img1", "img2", "img3"), batch.ids());
      assertArrayEquals(new long[] {B, 3, 16, 16}, batch.shape(Part.REFERENCE));
      assertArrayEquals(new long[] {B, 3, 8, 8}, batch.shape(Part.QUERY0));
      assertArrayEquals(new long[] {B, 4}, batch.shape(Part.QUERY0_LABELS));
      assertArrayEquals(new long[] {3 * B, 3, 8, 8}, batch.shape(Part.FOCAL));
      assertArrayEquals(new long[] {3 * B, 4}, batch.shape(Part.FOCAL_LABELS));
      for (Part p : Part.values()) {
        assertTrue(batch.bytes(p).isDirect());
        assertEquals(ByteOrder.nativeOrder(), batch.bytes(p).order());
        long elements = Arrays.stream(batch.shape(p)).reduce(1, (x, y) -> x * y);
        assertEquals(elements * (p.isLabels() ? 8 : 4), batch.bytes(p).remaining());
      }
      FloatBuffer reference = batch.floats(Part.REFERENCE);
      FloatBuffer query0 = batch.floats(Part.QUERY0);
      LongBuffer query0Labels = batch.longs(Part.QUERY0_LABELS);
      assertTrue(reference.isDirect() && reference.order() == ByteOrder.nativeOrder());
      for (int b = 0; b < B; b++) {
        assertEquals(code(b, -1), reference.get(b * 768));
        assertEquals(code(b, -1), reference.get(b * 768 + 767));
        assertEquals(code(b, 0), query0.get(b * 192 + 191));
        assertEquals(1000L * b + 3, query0Labels.get(b * 4 + 3));
      }
      FloatBuffer focal = batch.floats(Part.FOCAL);
      LongBuffer focalLabels = batch.longs(Part.FOCAL_LABELS);
      for (int q = 1; q <= 3; q++) {
        for (int b = 0; b < B; b++) {
          int row = (q - 1) * B + b; // all images' query 1, then all images' query 2, ...
          assertEquals(code(b, q), focal.get(row * 192));
          assertEquals(code(b, q), focal.get(row * 192 + 191));
          for (int i = 0; i < 4; i++) {
            assertEquals(1000L * b + 10 * q + i, focalLabels.get(row * 4 + i));
          }
        }
      }
    }
  }

  @Test
  void onnxRuntimeWrapsThePartsWithoutACopy() {
    try (LocaBatch batch = new LocaBatchAssembler(CONFIG).assemble(samples(), LoaderPosition.START);
        OrtTensor focal = OrtTensor.wrap(batch.floats(Part.FOCAL), batch.shape(Part.FOCAL));
        OrtTensor labels = OrtTensor.wrap(batch.bytes(Part.FOCAL_LABELS), ElementType.INT64,
            batch.shape(Part.FOCAL_LABELS))) {
      assertEquals(code(1, 2), focal.toFloatArray()[(B + 1) * 192]); // query 2 of image 1
      assertEquals(1000L + 20 + 3, labels.toLongArray()[(B + 1) * 4 + 3]);
      batch.floats(Part.FOCAL).put(0, 42f);
      assertEquals(42f, focal.toFloatArray()[0], "the tensor sees the batch's memory");
    }
  }

  @Test
  void closedBatchesHandTheirBuffersToTheNextBatch() {
    LocaBatchAssembler assembler = new LocaBatchAssembler(CONFIG);
    LocaBatch first = assembler.assemble(samples(), LoaderPosition.START);
    java.nio.ByteBuffer firstFocal = first.bytes(Part.FOCAL);
    first.close();
    first.close();
    assertThrows(IllegalStateException.class, () -> first.floats(Part.FOCAL));
    try (LocaBatch second = assembler.assemble(samples(), new LoaderPosition(0, 1));
        LocaBatch third = assembler.assemble(samples(), new LoaderPosition(0, 2))) {
      second.bytes(Part.FOCAL).putFloat(0, -7f);
      assertEquals(-7f, firstFocal.getFloat(0), "the second batch reuses the first one's buffers");
      third.bytes(Part.FOCAL).putFloat(0, -9f);
      assertEquals(-7f, firstFocal.getFloat(0), "an open batch's buffers are not shared");
    }
  }

  @Test
  void wrongFocalCountIsRejected() {
    LocaBatchAssembler assembler = new LocaBatchAssembler(CONFIG.withFocalCount(2));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> assembler.assemble(samples(), LoaderPosition.START));
    assertEquals("sample img0 has 3 focal queries, not 2", e.getMessage());
    assertSame(IllegalArgumentException.class, e.getClass());
  }
}
