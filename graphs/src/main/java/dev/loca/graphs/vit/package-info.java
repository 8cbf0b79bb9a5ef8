/**
 * The ViT encoder shared by LOCA's student and teacher (spec §3.1–§3.2): presets Ti/S/B/L/H at any patch
 * size plus "cpu" and "micro", the antialiased-bilinear resize of the position table to other token grids,
 * early token dropping through index inputs, and stochastic depth whose random draws are inputs.
 *
 * <p>Parameter names (stable: the contract with checkpoints, the EMA buffer and exports):
 * {@code encoder.patch_embed.weight} [D, 3, p, p], {@code encoder.patch_embed.bias} [D],
 * {@code encoder.posembed} [1, G, G, D], per block l {@code encoder.blocks.<l>.ln1.scale|bias},
 * {@code .attn.query|key|value.weight} [D, D] and {@code .bias} [heads, D/heads],
 * {@code .attn.out.weight|bias}, {@code .ln2.scale|bias}, {@code .mlp.fc1|fc2.weight|bias}, and
 * {@code encoder.encoder_norm.scale|bias}.
 */
package dev.loca.graphs.vit;
