package dev.loca.it.gradcheck;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks the finite-difference check of the gradient rules of the named ops: {@code "Add"} for ai.onnx,
 * {@code "com.microsoft::Gelu"} for other domains (as {@code OpSchema.qualifiedName()} spells them).
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface GradTest {
  String[] value();
}
