/**
 * Spring Boot auto-configuration for VaultGemma: an {@code InferenceClient} bean from {@code
 * vaultgemma.*} properties ({@link ai.vaultgemma.spring.autoconfigure.VaultGemmaProperties}), the
 * {@code vaultgemma} Actuator health indicator, a lifecycle that closes the client after the web
 * server has stopped and in-flight calls have drained, and Micrometer metrics and OpenTelemetry
 * tracing when the application has {@code vaultgemma-micrometer} or {@code
 * vaultgemma-opentelemetry}.
 */
@NullMarked
package ai.vaultgemma.spring.autoconfigure;

import org.jspecify.annotations.NullMarked;
