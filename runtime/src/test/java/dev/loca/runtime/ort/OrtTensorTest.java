package dev.loca.runtime.ort;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import org.junit.jupiter.api.Test;

class OrtTensorTest {

  @Test
  void floatRoundTrip() {
    float[] data = {1f, -2.5f, 3f, 4f, 5f, 6.25f};
    try (OrtTensor t = OrtTensor.fromFloats(data, 2, 3)) {
      assertEquals(ElementType.FLOAT, t.elementType());
      assertArrayEquals(new long[] {2, 3}, t.shape());
      assertEquals(6, t.elementCount());
      assertArrayEquals(data, t.toFloatArray());
      FloatBuffer view = t.floatBuffer();
      assertTrue(view.isReadOnly());
      assertEquals(6.25f, view.get(5));
      assertEquals("FLOAT[2, 3]", t.toString());
    }
  }

  @Test
  void otherTypesRoundTrip() {
    try (OrtTensor d = OrtTensor.fromDoubles(new double[] {1.5, -2}, 2);
        OrtTensor l = OrtTensor.fromLongs(new long[] {Long.MAX_VALUE, -1, 7}, 3);
        OrtTensor i = OrtTensor.fromInts(new int[] {1, 2, 3, 4}, 2, 2);
        OrtTensor b = OrtTensor.fromBooleans(new boolean[] {true, false, true}, 3);
        OrtTensor u8 = OrtTensor.fromBytes(new byte[] {(byte) 255, 0}, ElementType.UINT8, 2);
        OrtTensor i8 = OrtTensor.fromBytes(new byte[] {-3}, ElementType.INT8, 1)) {
      assertArrayEquals(new double[] {1.5, -2}, d.toDoubleArray());
      assertArrayEquals(new long[] {Long.MAX_VALUE, -1, 7}, l.toLongArray());
      assertArrayEquals(new int[] {1, 2, 3, 4}, i.toIntArray());
      assertArrayEquals(new boolean[] {true, false, true}, b.toBooleanArray());
      assertArrayEquals(new byte[] {(byte) 255, 0}, u8.toByteArray());
      assertArrayEquals(new byte[] {-3}, i8.toByteArray());
      assertEquals(ElementType.UINT8, u8.elementType());
      assertEquals(ElementType.BOOL, b.elementType());
      assertEquals(16, i.byteBuffer().remaining());
    }
  }

  @Test
  void scalarAndEmptyTensors() {
    try (OrtTensor scalar = OrtTensor.fromFloats(new float[] {42f});
        OrtTensor empty = OrtTensor.fromFloats(new float[0], 0, 3)) {
      assertEquals(0, scalar.shape().length);
      assertEquals(1, scalar.elementCount());
      assertArrayEquals(new float[] {42f}, scalar.toFloatArray());
      assertEquals(0, empty.elementCount());
      assertArrayEquals(new float[0], empty.toFloatArray());
    }
  }

  @Test
  void dataLengthMismatchNamesBoth() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> OrtTensor.fromFloats(new float[5], 2, 3));
    assertEquals("data has 5 elements but shape [2, 3] needs 6", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> OrtTensor.fromLongs(new long[2], 2, -1));
    assertThrows(
        IllegalArgumentException.class, () -> OrtTensor.fromBytes(new byte[2], ElementType.FLOAT, 2));
  }

  @Test
  void wrongTypeAccessorFailsClearly() {
    try (OrtTensor t = OrtTensor.fromLongs(new long[] {1, 2}, 2)) {
      IllegalStateException e = assertThrows(IllegalStateException.class, t::toFloatArray);
      assertEquals("toFloatArray() needs a FLOAT tensor, this one is INT64[2]", e.getMessage());
      assertThrows(IllegalStateException.class, t::toIntArray);
      assertThrows(IllegalStateException.class, t::floatBuffer);
      IllegalStateException bytes = assertThrows(IllegalStateException.class, t::toByteArray);
      assertEquals("toByteArray() needs a UINT8 or INT8 tensor, this one is INT64[2]", bytes.getMessage());
    }
  }

  @Test
  void doubleCloseIsHarmlessAndUseAfterCloseFails() {
    OrtTensor t = OrtTensor.fromFloats(new float[] {1, 2}, 2);
    t.close();
    assertDoesNotThrow(t::close);
    assertTrue(t.isClosed());
    IllegalStateException e = assertThrows(IllegalStateException.class, t::toFloatArray);
    assertEquals("OrtTensor is closed", e.getMessage());
    assertThrows(IllegalStateException.class, t::shape);
    assertThrows(IllegalStateException.class, t::elementType);
  }

  @Test
  void wrapSharesMemoryWithDirectBuffer() {
    FloatBuffer buffer = ByteBuffer.allocateDirect(8 * 4).order(ByteOrder.nativeOrder()).asFloatBuffer();
    for (int i = 0; i < 8; i++) {
      buffer.put(i, i);
    }
    buffer.position(2); // wrap the 6 remaining floats
    try (OrtTensor t = OrtTensor.wrap(buffer, 2, 3)) {
      assertArrayEquals(new float[] {2, 3, 4, 5, 6, 7}, t.toFloatArray());
      buffer.put(7, 70f);
      assertEquals(70f, t.toFloatArray()[5], "no copy: writes to the buffer are visible");
    }
  }

  @Test
  void wrapByteBufferAndRejectBadBuffers() {
    ByteBuffer bytes = ByteBuffer.allocateDirect(3 * 8).order(ByteOrder.nativeOrder());
    bytes.asLongBuffer().put(new long[] {5, 6, 7});
    try (OrtTensor t = OrtTensor.wrap(bytes, ElementType.INT64, 3)) {
      assertArrayEquals(new long[] {5, 6, 7}, t.toLongArray());
    }
    IllegalArgumentException heap =
        assertThrows(
            IllegalArgumentException.class, () -> OrtTensor.wrap(ByteBuffer.allocate(12), ElementType.FLOAT, 3));
    assertTrue(heap.getMessage().contains("direct"), heap.getMessage());
    IllegalArgumentException size =
        assertThrows(IllegalArgumentException.class, () -> OrtTensor.wrap(bytes, ElementType.FLOAT, 2, 2));
    assertEquals("buffer has 24 bytes remaining but FLOAT shape [2, 2] needs 16", size.getMessage());
    FloatBuffer bigEndian = ByteBuffer.allocateDirect(8).order(ByteOrder.BIG_ENDIAN).asFloatBuffer();
    if (ByteOrder.nativeOrder() != ByteOrder.BIG_ENDIAN) {
      assertThrows(IllegalArgumentException.class, () -> OrtTensor.wrap(bigEndian, 2));
    }
  }

  @Test
  void elementTypeCodes() {
    assertEquals(ElementType.FLOAT, ElementType.fromCode(1));
    assertEquals(ElementType.BFLOAT16, ElementType.fromCode(16));
    assertEquals(8, ElementType.INT64.byteSize());
    assertThrows(IllegalArgumentException.class, () -> ElementType.fromCode(14));
    assertEquals(OrtErrorCode.INVALID_PROTOBUF, OrtErrorCode.fromCode(7));
    assertEquals(OrtErrorCode.FAIL, OrtErrorCode.fromCode(999));
  }
}
