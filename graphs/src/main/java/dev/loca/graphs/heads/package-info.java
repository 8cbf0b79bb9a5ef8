/**
 * The heads that sit on the encoder's tokens (spec §3.3–§3.5) and the segmentation decoder, as functions
 * over the graph builder. Each opens its own name scope; the parameter names below are the contract with
 * checkpoints, the EMA teacher and the exporters ({@code <scope>} is the name the caller passes):
 *
 * <ul>
 *   <li>{@link dev.loca.graphs.heads.ProjectionHead}: {@code <scope>.fc1|fc2|fc3.weight|bias};
 *   <li>{@link dev.loca.graphs.heads.Prototypes}: {@code <scope>.weight} ([bottleneck, count], unnormalised);
 *   <li>{@link dev.loca.graphs.heads.CrossAttentionBlock}: {@code <scope>.ln_q|ln_kv|ln_mlp.scale|bias},
 *       {@code <scope>.attn.query|key|value|out.weight|bias}, {@code <scope>.mlp.fc1|fc2.weight|bias};
 *   <li>{@link dev.loca.graphs.heads.PositionClassifier}: {@code <scope>.final_norm.scale|bias},
 *       {@code <scope>.position_predictor.weight|bias};
 *   <li>{@link dev.loca.graphs.heads.SegmenterHead}: {@code <scope>.head.weight|bias}.
 * </ul>
 *
 * <p>Dense layers whose initialisation the spec leaves to Flax's defaults use LeCun-normal kernels and
 * zero biases. Imports {@code graph.build}, {@code graph.ir} and {@code graphs.nn}.
 */
package dev.loca.graphs.heads;
