package dev.loca.graphs.loca;

import com.google.common.base.Preconditions;
import dev.loca.graph.autodiff.Flavour;
import dev.loca.graphs.vit.VitConfig;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Everything that fixes LOCA's graphs: the encoder, the view sizes and token counts, the heads and the
 * loss constants. Field names mirror the reference code's config (spec §9).
 *
 * @param name preset name
 * @param vit the encoder
 * @param referenceSize reference view side in pixels
 * @param query0Size the "random" query's side
 * @param focalSize the focal queries' side
 * @param focalQueries number of focal queries per image ({@code number_of_focal_queries})
 * @param referenceSeqlen reference tokens kept (consecutive, late) as the student's keys and values
 * @param queryMaxSeqlen query0 tokens kept (early dropping)
 * @param headHidden projection head width
 * @param headBottleneck projection head output width
 * @param prototypes number of prototypes (K)
 * @param temperature student temperature τ
 * @param sharpening teacher temperature τ+
 * @param sinkhornIterations Sinkhorn-Knopp iterations
 * @param flavour backward-graph flavour for the training model
 * @param applyClusterLoss true for LOCA (EMA teacher, cluster loss); false for the location-only ablation of
 *     spec §4.6 (the student encodes the reference itself, keeping its tokens early; queries get no position
 *     embedding; only the position loss)
 */
public record LocaConfig(String name, VitConfig vit, int referenceSize, int query0Size, int focalSize,
    int focalQueries, int referenceSeqlen, int queryMaxSeqlen, int headHidden, int headBottleneck, int prototypes,
    float temperature, float sharpening, int sinkhornIterations, Flavour flavour, boolean applyClusterLoss) {

  public LocaConfig {
    vit.grid(referenceSize);
    vit.grid(query0Size);
    vit.grid(focalSize);
    Preconditions.checkArgument(vit.grid(referenceSize) == vit.posGrid(),
        "reference size %s must give the position-embedding grid %s", referenceSize, vit.posGrid());
    int nRef = square(vit.grid(referenceSize));
    int nQ0 = square(vit.grid(query0Size));
    Preconditions.checkArgument(referenceSeqlen > 0 && referenceSeqlen <= nRef,
        "reference_seqlen must be in 1..%s, got %s", nRef, referenceSeqlen);
    Preconditions.checkArgument(queryMaxSeqlen > 0 && queryMaxSeqlen <= nQ0,
        "query_max_seqlen must be in 1..%s, got %s", nQ0, queryMaxSeqlen);
    Preconditions.checkArgument(focalQueries >= 0, "focal query count must be >= 0");
  }

  /** Number of reference positions, the position classifier's classes ({@code n_ref_positions}). */
  public int referencePositions() {
    int g = vit.grid(referenceSize);
    return g * g;
  }

  public int query0Tokens() {
    int g = vit.grid(query0Size);
    return g * g;
  }

  public int focalTokens() {
    int g = vit.grid(focalSize);
    return g * g;
  }

  /**
   * Backward flavour of the presets (except {@code micro}, which keeps the fused kernels under test): on ONNX
   * Runtime's CPU provider the portable backward graph is about 1.6x faster than the fused one, whose
   * BiasFastGeluGrad_dX and LayerNormalizationGrad kernels take over half of the step (docs/PERFORMANCE.md);
   * {@code --set flavour=fused} chooses the fused kernels. Fine-tuning uses the same flavour.
   */
  public static final Flavour PRESET_FLAVOUR = Flavour.PORTABLE;

  /** The faithful recipe (spec §2, §3) around an encoder preset, with token counts scaled to its grids. */
  public static LocaConfig faithful(String name, VitConfig vit, int referenceSize, int query0Size, int focalSize) {
    int nRef = square(vit.grid(referenceSize));
    int nQ0 = square(vit.grid(query0Size));
    return new LocaConfig(name, vit, referenceSize, query0Size, focalSize, 9, (int) (0.2 * nRef),
        (int) Math.round(70.0 / 196 * nQ0), 2048, 256, 4096, 0.1f, 0.05f, 3, PRESET_FLAVOUR, true);
  }

  /** This configuration in the location-only ablation (spec §4.6), or back. */
  public LocaConfig withClusterLoss(boolean apply) {
    return new LocaConfig(name + (apply ? "" : "+location-only"), vit, referenceSize, query0Size, focalSize,
        focalQueries, referenceSeqlen, queryMaxSeqlen, headHidden, headBottleneck, prototypes, temperature, sharpening,
        sinkhornIterations, flavour, apply);
  }

  /**
   * This configuration with fields replaced, given as text: a field of this record by its name ({@code
   * referenceSize}, {@code focalQueries}, {@code flavour}, ...) or of the encoder by {@code vit.<field>} ({@code
   * vit.posGrid}, {@code vit.depth}, ...). All are applied at once, so sizes that must agree (the reference size
   * and the position grid) change together. The name stays. Fails naming the field for an unknown field or a
   * value of the wrong type, and with the constructors' message for a combination they reject.
   */
  public LocaConfig withFields(Map<String, String> values) {
    Map<String, String> own = new LinkedHashMap<>();
    Map<String, String> encoder = new LinkedHashMap<>();
    values.forEach((k, v) -> {
      if (k.startsWith("vit.")) {
        encoder.put(k.substring("vit.".length()), v);
      } else {
        own.put(k, v);
      }
    });
    Map<String, Object> typed = typed(LocaConfig.class, own, "");
    if (!encoder.isEmpty()) {
      typed.put("vit", replaced(vit, typed(VitConfig.class, encoder, "vit.")));
    }
    return replaced(this, typed);
  }

  /** The settable fields of a record type (all but its name and nested records), parsed from text. */
  private static Map<String, Object> typed(Class<? extends Record> type, Map<String, String> text, String prefix) {
    Map<String, RecordComponent> settable = new LinkedHashMap<>();
    for (RecordComponent c : type.getRecordComponents()) {
      if (!c.getName().equals("name") && !c.getType().isRecord()) {
        settable.put(c.getName(), c);
      }
    }
    Map<String, Object> out = new LinkedHashMap<>();
    for (Map.Entry<String, String> e : text.entrySet()) {
      RecordComponent c = settable.get(e.getKey());
      if (c == null) {
        throw new IllegalArgumentException("unknown field '" + prefix + e.getKey() + "'; fields are "
            + settable.keySet().stream().map(n -> prefix + n).toList() + (prefix.isEmpty() ? " and vit.<field>" : ""));
      }
      out.put(e.getKey(), parse(prefix + e.getKey(), c.getType(), e.getValue().strip()));
    }
    return out;
  }

  private static Object parse(String field, Class<?> type, String text) {
    try {
      if (type == int.class) {
        return Integer.parseInt(text);
      } else if (type == float.class) {
        return Float.parseFloat(text);
      } else if (type == double.class) {
        return Double.parseDouble(text);
      }
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("field '" + field + "' expects a number, got '" + text + "'", e);
    }
    if (type == boolean.class && (text.equals("true") || text.equals("false"))) {
      return Boolean.parseBoolean(text);
    }
    if (type == Flavour.class) {
      for (Flavour f : Flavour.values()) {
        if (f.name().equalsIgnoreCase(text)) {
          return f;
        }
      }
    }
    throw new IllegalArgumentException("field '" + field + "' expects " + (type == boolean.class ? "true or false"
        : "one of " + List.of(Flavour.values())) + ", got '" + text + "'");
  }

  /** {@code record} with the components named in {@code values} replaced, through its canonical constructor. */
  private static <R extends Record> R replaced(R record, Map<String, Object> values) {
    RecordComponent[] cs = record.getClass().getRecordComponents();
    Object[] args = new Object[cs.length];
    Class<?>[] types = new Class<?>[cs.length];
    try {
      for (int i = 0; i < cs.length; i++) {
        types[i] = cs[i].getType();
        args[i] = values.containsKey(cs[i].getName()) ? values.get(cs[i].getName()) : cs[i].getAccessor().invoke(record);
      }
      @SuppressWarnings("unchecked")
      R out = (R) record.getClass().getDeclaredConstructor(types).newInstance(args);
      return out;
    } catch (InvocationTargetException e) {
      if (e.getCause() instanceof IllegalArgumentException iae) {
        throw iae;
      }
      throw new IllegalStateException(e.getCause());
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(e);
    }
  }

  private static int square(int g) {
    return g * g;
  }

  private static final Map<String, Supplier<LocaConfig>> PRESETS = presets();

  private static Map<String, Supplier<LocaConfig>> presets() {
    Map<String, Supplier<LocaConfig>> m = new LinkedHashMap<>();
    for (String v : List.of("Ti/16", "S/16", "B/16", "L/16", "H/16")) {
      m.put(v, () -> faithful(v, VitConfig.preset(v), 224, 224, 96));
    }
    // the PyTorch peer's configurations (a) and (b), for benchmarks
    m.put("tiny-p8-64", () -> faithful("tiny-p8-64", VitConfig.preset("Ti/8").withPosGrid(8), 64, 64, 32));
    m.put("tiny-p16-224", () -> faithful("tiny-p16-224", VitConfig.preset("Ti/16"), 224, 224, 96));
    // pretrains in minutes on 2 cores
    m.put("cpu", () -> new LocaConfig("cpu", VitConfig.preset("cpu"), 64, 64, 32, 4, 12, 23, 512, 128, 512, 0.1f,
        0.05f, 3, PRESET_FLAVOUR, true));
    // for tests: seconds to build and run
    m.put("micro", () -> new LocaConfig("micro", VitConfig.preset("micro"), 16, 16, 8, 2, 3, 6, 32, 16, 24, 0.1f,
        0.05f, 3, Flavour.FUSED, true));
    return m;
  }

  /** The preset called {@code name}; fails naming the known ones. */
  public static LocaConfig preset(String name) {
    Supplier<LocaConfig> p = PRESETS.get(name);
    if (p == null) {
      throw new IllegalArgumentException("unknown preset '" + name + "'; presets are " + PRESETS.keySet());
    }
    return p.get();
  }

  public static List<String> presetNames() {
    return List.copyOf(PRESETS.keySet());
  }
}
