package dev.loca.runtime.ort;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Declared type and shape of a model input or output.
 *
 * @param type element type
 * @param shape dimensions, -1 for a dynamic dimension; a copy is returned
 * @param symbolicDims per dimension, its symbolic name ({@code "batch"}) or {@code ""} when it has none
 */
public record TensorInfo(ElementType type, long[] shape, List<String> symbolicDims) {

  /** Validates and copies the fields. */
  public TensorInfo {
    Objects.requireNonNull(type, "type");
    shape = shape.clone();
    symbolicDims = List.copyOf(symbolicDims);
    if (symbolicDims.size() != shape.length) {
      throw new IllegalArgumentException(
          "symbolicDims has " + symbolicDims.size() + " entries for rank " + shape.length);
    }
  }

  /** Returns a copy of the dimensions (-1 where dynamic). */
  @Override
  public long[] shape() {
    return shape.clone();
  }

  /** Returns the number of dimensions. */
  public int rank() {
    return shape.length;
  }

  /** Returns the shape as text, symbolic names for named dynamic dims and {@code ?} for unnamed ones. */
  public String shapeString() {
    List<String> dims = new ArrayList<>(shape.length);
    for (int i = 0; i < shape.length; i++) {
      if (shape[i] >= 0) {
        dims.add(Long.toString(shape[i]));
      } else {
        dims.add(symbolicDims.get(i).isEmpty() ? "?" : symbolicDims.get(i));
      }
    }
    return dims.toString();
  }

  /** Returns true when {@code actual} has this rank and matches every fixed dimension. */
  public boolean accepts(long[] actual) {
    if (actual.length != shape.length) {
      return false;
    }
    for (int i = 0; i < shape.length; i++) {
      if (shape[i] >= 0 && shape[i] != actual[i]) {
        return false;
      }
    }
    return true;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TensorInfo t
        && type == t.type
        && Arrays.equals(shape, t.shape)
        && symbolicDims.equals(t.symbolicDims);
  }

  @Override
  public int hashCode() {
    return Objects.hash(type, Arrays.hashCode(shape), symbolicDims);
  }

  @Override
  public String toString() {
    return type + shapeString();
  }
}
