package dev.loca.train.views;

/** The three kinds of view LOCA makes of one image. */
public enum ViewKind {
  /** The view the teacher encodes; never flipped. */
  REFERENCE,
  /** The large ("random-masking") query. */
  QUERY0,
  /** The small ("focal") queries. */
  FOCAL
}
