/**
 * Spring Boot auto-configuration for VaultGemma: an {@code InferenceClient} bean from {@code
 * vaultgemma.*} properties ({@link ai.vaultgemma.spring.autoconfigure.VaultGemmaProperties}), the
 * {@code vaultgemma} Actuator health indicator, and a lifecycle that closes the client after the
 * web server has stopped and in-flight calls have drained.
 */
@NullMarked
package ai.vaultgemma.spring.autoconfigure;

import org.jspecify.annotations.NullMarked;
