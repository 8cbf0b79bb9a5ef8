package dev.loca.runtime.ort;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.PointerPointer;
import org.bytedeco.onnxruntime.OrtApi;
import org.bytedeco.onnxruntime.OrtValue;

/**
 * The outputs of one session run, by name, in the order they were requested. Closing the result closes
 * every output tensor it still holds; a tensor removed with {@link #take(String)} belongs to the caller.
 * Not thread-safe.
 */
public final class RunResult implements AutoCloseable, Iterable<Map.Entry<String, OrtTensor>> {
  private final LinkedHashMap<String, OrtTensor> outputs;
  private final List<String> requested;
  private boolean closed;

  private RunResult(LinkedHashMap<String, OrtTensor> outputs) {
    this.outputs = outputs;
    this.requested = List.copyOf(outputs.keySet());
  }

  /**
   * Takes ownership of the output values ORT wrote into {@code values} (one per name). If anything fails,
   * every value is released before the exception propagates.
   */
  static RunResult adopt(OrtApi api, List<String> names, PointerPointer<OrtValue> values, String model) {
    LinkedHashMap<String, OrtTensor> map = new LinkedHashMap<>();
    try {
      for (int i = 0; i < names.size(); i++) {
        String name = names.get(i);
        OrtValue value = values.get(OrtValue.class, i);
        if (value == null || value.isNull()) {
          throw OrtFailure.java("Run(" + model + ") returned no value for output '" + name + "'");
        }
        values.put(i, (Pointer) null); // ownership moves to the tensor (adopt releases it on failure)
        map.put(name, OrtTensor.adopt(api, value, "output '" + name + "' of model " + model));
      }
    } catch (RuntimeException e) {
      map.values().forEach(OrtTensor::close);
      releaseAll(api, values, names.size());
      throw e;
    }
    return new RunResult(map);
  }

  /** Releases every non-null value in the first {@code n} slots and nulls the slots. */
  static void releaseAll(OrtApi api, PointerPointer<OrtValue> values, int n) {
    for (int i = 0; i < n; i++) {
      OrtValue value = values.get(OrtValue.class, i);
      if (value != null && !value.isNull()) {
        api.ReleaseValue(value);
        values.put(i, (Pointer) null);
      }
    }
  }

  /**
   * Returns the output tensor named {@code name}; it stays owned by this result.
   *
   * @throws IllegalArgumentException if the run produced no such output (the message lists the valid ones)
   * @throws IllegalStateException if the result is closed or the tensor was taken
   */
  public OrtTensor get(String name) {
    return lookup(name, false);
  }

  /**
   * Removes the output tensor named {@code name} from this result and hands it to the caller, who must
   * close it; closing this result no longer affects it.
   */
  public OrtTensor take(String name) {
    return lookup(name, true);
  }

  private OrtTensor lookup(String name, boolean remove) {
    checkOpen();
    OrtTensor t = remove ? outputs.remove(name) : outputs.get(name);
    if (t != null) {
      return t;
    }
    if (requested.contains(name)) {
      throw new IllegalStateException("output '" + name + "' was already taken out of this RunResult");
    }
    throw new IllegalArgumentException("unknown output '" + name + "'; this result has " + requested);
  }

  /** Returns the names of the outputs this result still holds, in run order. */
  public List<String> names() {
    checkOpen();
    return Collections.unmodifiableList(new ArrayList<>(outputs.keySet()));
  }

  /** Returns the number of outputs this result still holds. */
  public int size() {
    checkOpen();
    return outputs.size();
  }

  /** Iterates over the held (name, tensor) pairs in run order; the iteration cannot remove entries. */
  @Override
  public Iterator<Map.Entry<String, OrtTensor>> iterator() {
    checkOpen();
    return Collections.unmodifiableMap(outputs).entrySet().iterator();
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("RunResult is closed");
    }
  }

  /** Closes every tensor still held. Idempotent. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    outputs.values().forEach(OrtTensor::close);
    outputs.clear();
  }
}
