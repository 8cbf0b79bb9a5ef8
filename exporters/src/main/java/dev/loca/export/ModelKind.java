package dev.loca.export;

import java.util.Locale;

/** What an exported model computes. */
public enum ModelKind {
  /** The ViT encoder: {@code images} → {@code tokens} [N, (S/p)², D] after the final LayerNorm. */
  ENCODER,
  /** The fine-tuned segmenter: {@code images} → {@code logits} [N, C, S, S] and {@code classes} [N, S, S]. */
  SEGMENTER;

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses encoder or segmenter. */
  public static ModelKind parse(String text) {
    for (ModelKind k : values()) {
      if (k.label().equalsIgnoreCase(text)) {
        return k;
      }
    }
    throw new IllegalArgumentException("unknown --what '" + text + "': expected encoder or segmenter");
  }
}
