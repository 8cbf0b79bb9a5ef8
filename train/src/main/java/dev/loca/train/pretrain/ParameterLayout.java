package dev.loca.train.pretrain;

import com.google.common.base.Preconditions;
import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

/** Named parameters laid end to end in one flat float buffer: each one's shape, offset and length. */
public final class ParameterLayout {
  /** One parameter's place in the flat buffer. */
  public record Slot(String name, long[] shape, int offset, int length) {
    public long[] shape() {
      return shape.clone();
    }
  }

  private final List<Slot> slots;
  private final ImmutableMap<String, Slot> byName;
  private final int size;

  private ParameterLayout(List<Slot> slots, int size) {
    this.slots = ImmutableList.copyOf(slots);
    ImmutableMap.Builder<String, Slot> m = ImmutableMap.builder();
    slots.forEach(s -> m.put(s.name(), s));
    this.byName = m.buildOrThrow();
    this.size = size;
  }

  /** The parameters {@code names}, in that order, end to end, with their shapes from {@code shapeOf}. */
  public static ParameterLayout of(List<String> names, Function<String, long[]> shapeOf) {
    return of(names, shapeOf, 1);
  }

  /** The same with each parameter starting at a multiple of {@code alignFloats} (the gaps stay unused). */
  public static ParameterLayout of(List<String> names, Function<String, long[]> shapeOf, int alignFloats) {
    Preconditions.checkArgument(alignFloats > 0, "alignment must be positive, got %s", alignFloats);
    ImmutableList.Builder<Slot> slots = ImmutableList.builder();
    long offset = 0;
    for (String name : names) {
      long[] shape = shapeOf.apply(name).clone();
      long length = 1;
      for (long d : shape) {
        Preconditions.checkArgument(d >= 0, "parameter %s has a negative dimension: %s", name, Arrays.toString(shape));
        length *= d;
      }
      Preconditions.checkArgument(offset + length <= Integer.MAX_VALUE,
          "parameters up to %s hold %s floats; one flat buffer holds at most %s", name, offset + length,
          Integer.MAX_VALUE);
      slots.add(new Slot(name, shape, (int) offset, (int) length));
      offset += (length + alignFloats - 1) / alignFloats * alignFloats;
    }
    return new ParameterLayout(slots.build(), (int) offset);
  }

  public List<Slot> slots() {
    return slots;
  }

  public List<String> names() {
    return slots.stream().map(Slot::name).toList();
  }

  /** Floats the flat buffer holds, gaps included. */
  public int size() {
    return size;
  }

  /** Floats of the parameters, gaps excluded. */
  public long parameterFloats() {
    return slots.stream().mapToLong(Slot::length).sum();
  }

  public boolean contains(String name) {
    return byName.containsKey(name);
  }

  /** The slot of {@code name}; fails naming it. */
  public Slot slot(String name) {
    Slot s = byName.get(name);
    if (s == null) {
      throw new IllegalArgumentException("no parameter '" + name + "' in this layout of " + slots.size()
          + " parameters");
    }
    return s;
  }

  /** True when both hold the same names in the same order with the same shapes. */
  public boolean sameAs(ParameterLayout other) {
    if (slots.size() != other.slots.size()) {
      return false;
    }
    for (int i = 0; i < slots.size(); i++) {
      Slot a = slots.get(i);
      Slot b = other.slots.get(i);
      if (!a.name().equals(b.name()) || !Arrays.equals(a.shape, b.shape)) {
        return false;
      }
    }
    return true;
  }

  /** The first difference from {@code other}, for error messages; empty when {@link #sameAs}. */
  public String difference(ParameterLayout other) {
    for (int i = 0; i < Math.min(slots.size(), other.slots.size()); i++) {
      Slot a = slots.get(i);
      Slot b = other.slots.get(i);
      if (!a.name().equals(b.name()) || !Arrays.equals(a.shape, b.shape)) {
        return "parameter " + i + " is " + a.name() + " " + Arrays.toString(a.shape) + ", expected " + b.name() + " "
            + Arrays.toString(b.shape);
      }
    }
    return slots.size() == other.slots.size() ? ""
        : slots.size() + " parameters, expected " + other.slots.size();
  }
}
