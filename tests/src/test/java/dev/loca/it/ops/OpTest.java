package dev.loca.it.ops;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a test method as the ONNX Runtime parity test of catalog ops, named {@code "Op"} for ai.onnx
 * and {@code "com.microsoft::Op"} otherwise. {@link CatalogCoverageTest} checks that every op has one.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface OpTest {
  String[] value();
}
