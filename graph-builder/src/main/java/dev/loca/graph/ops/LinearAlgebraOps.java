package dev.loca.graph.ops;

import dev.loca.graph.ir.DataType;
import dev.loca.graph.ir.Dim;
import dev.loca.graph.ir.Shape;
import dev.loca.graph.ir.ValueType;
import java.util.ArrayList;
import java.util.List;

/** Matrix products: MatMul (numpy semantics with batch broadcasting) and Gemm. */
final class LinearAlgebraOps {
  private LinearAlgebraOps() {}

  private static final DataType[] TYPES = {DataType.FLOAT, DataType.DOUBLE, DataType.FLOAT16,
      DataType.BFLOAT16, DataType.INT32, DataType.INT64, DataType.UINT32, DataType.UINT64};

  static void register(OpCatalog.Registry r) {
    r.add(OpSchema.builder("", "MatMul", 13).io("A, B", "Y").infer(LinearAlgebraOps::matMul));
    r.add(OpSchema.builder("", "Gemm", 13).io("A, B, C?", "Y")
        .attr("alpha", 1.0f).attr("beta", 1.0f).attr("transA", 0L).attr("transB", 0L)
        .infer(LinearAlgebraOps::gemm));
  }

  static List<ValueType> matMul(InferenceContext ctx) {
    ctx.requireType(0, TYPES);
    ctx.requireSameType(0, 1);
    return List.of(ValueType.tensor(ctx.dtype(0), matMulShape(ctx, ctx.shape(0), ctx.shape(1))));
  }

  /** Output shape of a numpy matmul of {@code a} and {@code b}. */
  static Shape matMulShape(InferenceContext ctx, Shape a, Shape b) {
    if (!a.rankKnown() || !b.rankKnown()) {
      return Shape.unknownRank();
    }
    if (a.rank() == 0 || b.rank() == 0) {
      throw ctx.fail("MatMul inputs must have rank >= 1");
    }
    List<Dim> ad = new ArrayList<>(a.dims());
    List<Dim> bd = new ArrayList<>(b.dims());
    boolean aVec = ad.size() == 1;
    boolean bVec = bd.size() == 1;
    if (aVec) {
      ad.add(0, Dim.of(1));
    }
    if (bVec) {
      bd.add(Dim.of(1));
    }
    Dim k1 = ad.get(ad.size() - 1);
    Dim k2 = bd.get(bd.size() - 2);
    if (!Shapes.compatible(k1, k2)) {
      throw ctx.fail("inner dimensions differ: %s has %s columns, %s has %s rows", a, k1, b, k2);
    }
    Shape batch = Shapes.broadcast(ctx, Shape.of(ad.subList(0, ad.size() - 2)),
        Shape.of(bd.subList(0, bd.size() - 2)));
    List<Dim> out = new ArrayList<>(batch.dims());
    if (!aVec) {
      out.add(ad.get(ad.size() - 2));
    }
    if (!bVec) {
      out.add(bd.get(bd.size() - 1));
    }
    return Shape.of(out);
  }

  private static List<ValueType> gemm(InferenceContext ctx) {
    ctx.requireType(0, TYPES);
    ctx.requireSameType(0, 1);
    ctx.requireRank(0, 2);
    ctx.requireRank(1, 2);
    Shape a = ctx.shape(0);
    Shape b = ctx.shape(1);
    boolean ta = ctx.intAttr("transA") != 0;
    boolean tb = ctx.intAttr("transB") != 0;
    Dim m = a.dim(ta ? 1 : 0);
    Dim k1 = a.dim(ta ? 0 : 1);
    Dim k2 = b.dim(tb ? 1 : 0);
    Dim n = b.dim(tb ? 0 : 1);
    if (!Shapes.compatible(k1, k2)) {
      throw ctx.fail("inner dimensions differ: %s vs %s (transA=%b, transB=%b)", k1, k2, ta, tb);
    }
    Shape y = Shape.of(List.of(m, n));
    if (ctx.hasInput(2)) {
      ctx.requireSameType(0, 2);
      // C broadcasts to Y unidirectionally: it may not grow Y (ORT: "Invalid bias shape for broadcast").
      Shape c = ctx.shape(2);
      boolean ok = !c.rankKnown() || c.rank() <= 2;
      for (int i = 0; ok && c.rankKnown() && i < c.rank(); i++) {
        Dim cd = c.dim(i);
        ok = Shapes.isOne(cd) || Shapes.compatible(cd, y.dim(i + 2 - c.rank()));
      }
      if (!ok) {
        throw ctx.fail("C %s must be unidirectionally broadcastable to [M,N] = %s", c, y);
      }
    }
    return List.of(ValueType.tensor(ctx.dtype(0), y));
  }
}
