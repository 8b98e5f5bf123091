/** A Spring Boot web application that calls an inference server through the VaultGemma starter. */
@NullMarked
package ai.vaultgemma.examples.spring;

import org.jspecify.annotations.NullMarked;
