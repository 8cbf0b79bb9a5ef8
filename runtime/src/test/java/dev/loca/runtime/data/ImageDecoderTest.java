package dev.loca.runtime.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ImageDecoderTest {
  private static final RgbImage RAMP = TestImages.ramp(24, 16);

  @TempDir
  Path dir;

  @ParameterizedTest
  @ValueSource(strings = {"png", "bmp"})
  void losslessFormatsDecodeExactly(String format) throws Exception {
    RgbImage back = ImageDecoder.decodeRgb(TestImages.encode(RAMP, format), "x." + format);
    assertArrayEquals(RAMP.rgb(), back.rgb());
  }

  @Test
  void jpegDecodesCloseToTheOriginalInRgbOrder() throws Exception {
    RgbImage back = ImageDecoder.decodeRgb(TestImages.encode(RAMP, "jpeg"), "x.jpg");
    assertEquals(RAMP.width(), back.width());
    assertTrue(maxDifference(RAMP, back) <= 12, "max difference " + maxDifference(RAMP, back));
  }

  @Test
  void gifDecodesItsFirstFrame() throws Exception {
    RgbImage back = ImageDecoder.decodeRgb(TestImages.encode(RAMP, "gif"), "x.gif");
    assertEquals(RAMP.height(), back.height());
    assertTrue(maxDifference(RAMP, back) <= 40, "GIF quantises to 256 colours; max difference "
        + maxDifference(RAMP, back));
  }

  @Test
  void greyIsReplicatedWithoutGammaChange() throws Exception {
    RgbImage eight = ImageDecoder.decodeRgb(TestImages.encode(TestImages.grey(4, 3, false, 128), "png"), "g.png");
    assertPixel(eight, 1, 1, 128, 128, 128);
    RgbImage sixteen = ImageDecoder.decodeRgb(TestImages.encode(TestImages.grey(4, 3, true, 128 * 257), "png"),
        "g16.png");
    assertPixel(sixteen, 2, 2, 128, 128, 128);
  }

  @Test
  void greyJpegIsReplicated() throws Exception {
    RgbImage back = ImageDecoder.decodeRgb(TestImages.encode(TestImages.grey(16, 16, false, 77), "jpeg"), "g.jpg");
    assertTrue(Math.abs(back.at(5, 5, 0) - 77) <= 2, "got " + back.at(5, 5, 0));
    assertEquals(back.at(5, 5, 0), back.at(5, 5, 1));
    assertEquals(back.at(5, 5, 0), back.at(5, 5, 2));
  }

  @Test
  void alphaIsCompositedOnWhite() throws Exception {
    BufferedImage argb = new BufferedImage(3, 1, BufferedImage.TYPE_INT_ARGB);
    argb.setRGB(0, 0, 0x000a141e);
    argb.setRGB(1, 0, 0xff0a141e);
    argb.setRGB(2, 0, 0x800a141e);
    RgbImage back = ImageDecoder.decodeRgb(TestImages.encode(argb, "png"), "a.png");
    assertPixel(back, 0, 0, 255, 255, 255);
    assertPixel(back, 1, 0, 10, 20, 30);
    assertPixel(back, 2, 0, onWhite(10, 128), onWhite(20, 128), onWhite(30, 128));
  }

  @Test
  void greyWithAlphaIsCompositedOnWhite() throws Exception {
    RgbImage back = ImageDecoder.decodeRgb(TestImages.encode(TestImages.greyAlpha(2, 2, 100, 64), "png"), "ga.png");
    int expected = onWhite(100, 64);
    assertPixel(back, 1, 1, expected, expected, expected);
  }

  @Test
  void cmykJpegDecodesThroughTwelveMonkeys() throws Exception {
    RgbImage red = ImageDecoder.decodeRgb(TestImages.cmykJpeg(16, 16, 0, 255, 255, 0), "cmyk.jpg");
    assertTrue(red.at(8, 8, 0) > 180 && red.at(8, 8, 1) < 90 && red.at(8, 8, 2) < 90,
        "C0 M255 Y255 K0 should be red, got " + red.at(8, 8, 0) + "," + red.at(8, 8, 1) + "," + red.at(8, 8, 2));
    RgbImage white = ImageDecoder.decodeRgb(TestImages.cmykJpeg(16, 16, 0, 0, 0, 0), "white.jpg");
    assertTrue(white.at(3, 3, 0) > 230 && white.at(3, 3, 1) > 230 && white.at(3, 3, 2) > 230);
  }

  @Test
  void labelsAreReadAsPaletteIndicesNotColours() throws Exception {
    int[] indices = {0, 1, 20, 255, 7, 3};
    LabelImage labels = ImageDecoder.readLabels(TestImages.write(
        dir.resolve("l.png"),
        TestImages.encode(TestImages.palette(3, 2, indices), "png")));
    assertArrayEquals(indices, labels.values());
  }

  @Test
  void zeroByteFileIsBad() {
    BadSampleException e = assertThrows(BadSampleException.class, () -> ImageDecoder.decodeRgb(new byte[0], "z.jpg"));
    assertEquals("z.jpg: empty file (0 bytes)", e.getMessage());
  }

  @Test
  void textNamedJpgIsBad() {
    BadSampleException e = assertThrows(BadSampleException.class,
        () -> ImageDecoder.decodeRgb("hello, I am not a picture\n".getBytes(StandardCharsets.UTF_8), "t.jpg"));
    assertEquals("t.jpg: not an image (JPEG, PNG, BMP or GIF expected)", e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(strings = {"jpeg", "png", "bmp", "gif"})
  void truncatedFilesAreBad(String format) {
    byte[] whole = TestImages.encode(TestImages.ramp(40, 30), format);
    for (double kept : new double[] {0.5, 0.95}) {
      byte[] cut = Arrays.copyOf(whole, (int) (whole.length * kept));
      BadSampleException e = assertThrows(BadSampleException.class, () -> ImageDecoder.decodeRgb(cut, "cut"),
          format + " cut to " + kept);
      assertTrue(e.getMessage().startsWith("cut: "), e.getMessage());
      assertEquals(1, e.getMessage().lines().count());
    }
  }

  @Test
  void truncatedJpegSaysSo() {
    byte[] whole = TestImages.encode(TestImages.ramp(40, 30), "jpeg");
    BadSampleException e = assertThrows(BadSampleException.class,
        () -> ImageDecoder.decodeRgb(Arrays.copyOf(whole, whole.length - 10), "c.jpg"));
    assertTrue(e.getMessage().startsWith("c.jpg: truncated JPEG"), e.getMessage());
  }

  @Test
  void corruptBodyBehindAValidSignatureIsBad() {
    byte[] png = TestImages.encode(RAMP, "png");
    for (int i = 40; i < png.length - 12; i++) {
      png[i] = (byte) 0x5a;
    }
    assertThrows(BadSampleException.class, () -> ImageDecoder.decodeRgb(png, "c.png"));
  }

  private static int onWhite(int c, int a) {
    return (c * a + 255 * (255 - a) + 127) / 255;
  }

  private static void assertPixel(RgbImage image, int x, int y, int r, int g, int b) {
    assertEquals(r + "," + g + "," + b, image.at(x, y, 0) + "," + image.at(x, y, 1) + "," + image.at(x, y, 2),
        "pixel (" + x + ", " + y + ")");
  }

  private static int maxDifference(RgbImage a, RgbImage b) {
    int max = 0;
    for (int i = 0; i < a.rgb().length; i++) {
      max = Math.max(max, Math.abs((a.rgb()[i] & 0xff) - (b.rgb()[i] & 0xff)));
    }
    return max;
  }
}
