package dev.loca.export;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.loca.graph.serde.ModelWriter;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/**
 * The browser demo ({@code exporters/web}) in headless Chromium: served on localhost with onnxruntime-web from
 * {@code exporters/js/node_modules}, it segments a sample image with the exported segmenter; the class map it
 * writes into the page equals our ONNX Runtime's, and a screenshot is saved as
 * {@code target/browser/demo.png}. Without Chromium or the npm package: skipped locally, a failure under LOCA_CI=1.
 */
class BrowserDemoTest {
  static final Path OUT = Path.of("target", "browser");
  private static final Map<String, String> TYPES = Map.of("html", "text/html", "js", "text/javascript",
      "mjs", "text/javascript", "wasm", "application/wasm", "onnx", "application/octet-stream", "png", "image/png");

  private static String chromium() {
    for (String c : new String[] {"chromium", "chromium-browser"}) {
      try {
        NodeRuntimeTest.runProcess(60, c, "--version");
        return c;
      } catch (IOException | AssertionError | InterruptedException e) {
        // try the next name
      }
    }
    return null;
  }

  @Test
  void demoSegmentsTheSampleLikeJava() throws Exception {
    String chromium = chromium();
    if (chromium == null) {
      NodeRuntimeTest.unavailable("no chromium on the PATH (Debian package chromium)");
    }
    if (!Files.isDirectory(NodeRuntimeTest.JS.resolve("node_modules/onnxruntime-web"))) {
      NodeRuntimeTest.unavailable("exporters/js/node_modules has no onnxruntime-web (run npm ci in exporters/js)");
    }
    Files.createDirectories(OUT);
    SegmenterFolder ft = SegmenterFolder.read(TinySegmenter.write(OUT.resolve("ft"), 13));
    ExportSpec spec = ExportSpec.of(ft.card(), ModelKind.SEGMENTER, TinySegmenter.SIZE, "tiny");
    ModelWriter.write(PortableExport.export(ft.model(), spec, new ExportOptions(Precision.FP32, true)),
        OUT.resolve("model.onnx"));
    float[] rgb = writeSample(OUT.resolve("sample.png"));
    long[] expected;
    try (ExportedModelRunner r = ExportedModelRunner.open(OUT.resolve("model.onnx"), 1)) {
      expected = r.run(rgb, 1, TinySegmenter.SIZE).classes();
    }
    HttpServer server = serve(Path.of(""));
    try {
      String url = "http://127.0.0.1:" + server.getAddress().getPort()
          + "/web/index.html?model=/target/browser/model.onnx&image=/target/browser/sample.png";
      String dom = NodeRuntimeTest.runProcess(180, chromium, "--headless", "--no-sandbox", "--disable-gpu",
          "--virtual-time-budget=20000", "--dump-dom", url);
      Matcher m = Pattern.compile("<pre id=\"classes\">([0-9 ]*)</pre>").matcher(dom);
      Matcher status = Pattern.compile("<p id=\"status\">([^<]*)</p>").matcher(dom);
      assertTrue(m.find() && !m.group(1).isEmpty(), "the page wrote no class map; status: "
          + (status.find() ? status.group(1) : "?"));
      long[] browser = Arrays.stream(m.group(1).trim().split(" ")).mapToLong(Long::parseLong).toArray();
      assertArrayEquals(expected, browser, "class map in the browser vs our ONNX Runtime");
      assertTrue(Arrays.stream(expected).distinct().count() > 1, "the sample's class map has structure");
      Path shot = OUT.resolve("demo.png").toAbsolutePath();
      NodeRuntimeTest.runProcess(180, chromium, "--headless", "--no-sandbox", "--disable-gpu",
          "--virtual-time-budget=20000", "--window-size=720,560", "--screenshot=" + shot, url);
      assertTrue(Files.size(shot) > 0, "screenshot " + shot);
      System.out.println("browser demo: class map equals Java's; screenshot " + shot);
    } finally {
      server.stop(0);
    }
  }

  /** The tiny segmenter's sample as an 8-bit PNG; returns its pixels as the model input (RGB / 255). */
  private static float[] writeSample(Path file) throws IOException {
    int s = TinySegmenter.SIZE;
    float[] raw = TinySegmenter.images(1, 21);
    BufferedImage img = new BufferedImage(s, s, BufferedImage.TYPE_INT_RGB);
    float[] x = new float[3 * s * s];
    for (int y = 0; y < s; y++) {
      for (int xx = 0; xx < s; xx++) {
        int rgb = 0;
        for (int c = 0; c < 3; c++) {
          int v = Math.round(raw[(c * s + y) * s + xx] * 255);
          x[(c * s + y) * s + xx] = v / 255f;
          rgb = (rgb << 8) | v;
        }
        img.setRGB(xx, y, rgb);
      }
    }
    ImageIO.write(img, "png", file.toFile());
    return x;
  }

  /** Serves the files under {@code root} (the exporters module) on an ephemeral localhost port. */
  private static HttpServer serve(Path root) throws IOException {
    Path base = root.toAbsolutePath().normalize();
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", ex -> {
      try (ex) {
        Path file = base.resolve(ex.getRequestURI().getPath().substring(1)).normalize();
        if (!file.startsWith(base) || !Files.isRegularFile(file)) {
          send(ex, 404, "text/plain", "not found".getBytes(java.nio.charset.StandardCharsets.UTF_8));
          return;
        }
        String name = file.getFileName().toString();
        String ext = name.substring(name.lastIndexOf('.') + 1);
        send(ex, 200, TYPES.getOrDefault(ext, "application/octet-stream"), Files.readAllBytes(file));
      }
    });
    server.start();
    return server;
  }

  private static void send(HttpExchange ex, int code, String type, byte[] body) throws IOException {
    ex.getResponseHeaders().set("Content-Type", type);
    ex.sendResponseHeaders(code, body.length);
    try (OutputStream o = ex.getResponseBody()) {
      o.write(body);
    }
  }
}
