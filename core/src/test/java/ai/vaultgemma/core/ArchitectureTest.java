package ai.vaultgemma.core;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaCodeUnit;
import com.tngtech.archunit.core.domain.JavaField;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.domain.JavaType;
import com.tngtech.archunit.core.domain.JavaTypeVariable;
import com.tngtech.archunit.core.domain.ThrowsDeclaration;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import com.tngtech.archunit.library.dependencies.SliceAssignment;
import com.tngtech.archunit.library.dependencies.SliceIdentifier;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * The shape of the house, checked on every build: the leaf modules ({@code logging}, {@code cache},
 * {@code pool}) know nothing of each other or of {@code core}; no package cycles; no type from an
 * {@code internal} package in a public signature; OkHttp types only in accessors named for them.
 *
 * <p>The rules read the main classes of all four published modules, which are all on core's test
 * class path; test classes are left out. {@link #allFourModulesAreImported} makes sure the rules do
 * not pass on an empty or partial import.
 */
@AnalyzeClasses(
    packages = {
      "ai.vaultgemma.logging",
      "ai.vaultgemma.cache",
      "ai.vaultgemma.pool",
      "ai.vaultgemma.core"
    },
    importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

  private static final String ROOT = "ai.vaultgemma";

  /**
   * Public methods that expose OkHttp types without being named for OkHttp: known violations of
   * {@link #okHttpTypesOnlyInAccessorsNamedForThem}, listed here so that they are visible rather
   * than frozen in a store. The list may only shrink: {@link #knownOkHttpViolationsStillExist}
   * fails once an entry is fixed, so that it is removed here too. Each entry is the method's full
   * name as ArchUnit prints it.
   */
  private static final Set<String> KNOWN_OKHTTP_VIOLATIONS =
      Set.of(
          "ai.vaultgemma.pool.HttpPool.execute(okhttp3.Request)",
          "ai.vaultgemma.pool.HttpPool.executeStreaming(okhttp3.Request)",
          "ai.vaultgemma.pool.HttpPool.executeAsync(okhttp3.Request)");

  /** Public methods allowed to carry OkHttp types in their signature: accessors named for it. */
  private static final Set<String> OKHTTP_ACCESSORS = Set.of("okHttpClient", "streamingClient");

  @ArchTest
  static void allFourModulesAreImported(JavaClasses classes) {
    Set<String> modules =
        classes.stream()
            .map(c -> c.getPackageName().substring(ROOT.length() + 1).split("\\.", -1)[0])
            .collect(Collectors.toCollection(TreeSet::new));
    assertThat(modules).containsExactly("cache", "core", "logging", "pool");
    assertThat(classes.contain("ai.vaultgemma.core.InferenceClient")).isTrue();
  }

  /** logging, cache and pool are leaves: only core may use them, and nothing uses core. */
  @ArchTest
  static final ArchRule leavesDependOnNoneOfOurModules =
      layeredArchitecture()
          .consideringOnlyDependenciesInLayers()
          .layer("logging")
          .definedBy(ROOT + ".logging..")
          .layer("cache")
          .definedBy(ROOT + ".cache..")
          .layer("pool")
          .definedBy(ROOT + ".pool..")
          .layer("core")
          .definedBy(ROOT + ".core..")
          .whereLayer("core")
          .mayNotBeAccessedByAnyLayer()
          .whereLayer("logging")
          .mayOnlyBeAccessedByLayers("core")
          .whereLayer("cache")
          .mayOnlyBeAccessedByLayers("core")
          .whereLayer("pool")
          .mayOnlyBeAccessedByLayers("core");

  /** No cycle between our modules. */
  @ArchTest
  static final ArchRule noCyclesBetweenModules =
      slices().matching(ROOT + ".(*)..").namingSlices("module $1").should().beFreeOfCycles();

  /**
   * No cycle between packages, where a public package and the {@code internal} packages beneath it
   * count as one unit: {@code ai.vaultgemma.core} and {@code ai.vaultgemma.core.internal} use each
   * other by design (the public face delegates, the internals build the public value types, as in
   * OkHttp's {@code okhttp3} and {@code okhttp3.internal}), but {@code core.tier} and {@code core}
   * must not, nor any two units anywhere else.
   */
  @ArchTest
  static final ArchRule noCyclesBetweenPackageUnits =
      slices().assignedFrom(new PublicPackageUnits()).should().beFreeOfCycles();

  /**
   * One module never reaches into another module's internals (its module-info would not let it).
   */
  @ArchTest
  static final ArchRule internalPackagesStayInTheirModule =
      classes()
          .that()
          .resideInAPackage(ROOT + "..internal..")
          .should(onlyBeAccessedFromTheirOwnModule());

  /**
   * No public type of a non-internal package shows an {@code internal} type in its public or
   * protected API: supertypes, type-parameter bounds, field types, return, parameter and thrown
   * types, with every generic type argument.
   */
  @ArchTest
  static final ArchRule noInternalTypeInPublicSignatures =
      classes()
          .that(arePublishedApi())
          .should(
              exposeNoTypeThat(
                  ROOT + "..internal..", ArchitectureTest::isInternal, Set.of(), Set.of()))
          .allowEmptyShould(false);

  /**
   * OkHttp (and okio) types appear in public signatures only in accessors named for them ({@code
   * okHttpClient()}, {@code streamingClient()}), never in config, stats or other types, so that
   * OkHttp stays replaceable behind our API.
   */
  @ArchTest
  static final ArchRule okHttpTypesOnlyInAccessorsNamedForThem =
      classes()
          .that(arePublishedApi())
          .should(
              exposeNoTypeThat(
                  "okhttp3.. or okio..",
                  ArchitectureTest::isOkHttp,
                  OKHTTP_ACCESSORS,
                  KNOWN_OKHTTP_VIOLATIONS))
          .allowEmptyShould(false);

  /** Each known violation still exists; once fixed, remove it from the list above. */
  @ArchTest
  static void knownOkHttpViolationsStillExist(JavaClasses classes) {
    Map<String, Boolean> stillExposing = new LinkedHashMap<>();
    for (String known : KNOWN_OKHTTP_VIOLATIONS) {
      stillExposing.put(known, false);
    }
    for (JavaClass type : classes) {
      if (!isPublishedApi(type)) {
        continue;
      }
      for (JavaCodeUnit unit : type.getCodeUnits()) {
        if (stillExposing.containsKey(unit.getFullName())
            && involvedTypes(unit).stream().anyMatch(ArchitectureTest::isOkHttp)) {
          stillExposing.put(unit.getFullName(), true);
        }
      }
    }
    assertThat(stillExposing)
        .as("known OkHttp violations that are gone: remove them from KNOWN_OKHTTP_VIOLATIONS")
        .doesNotContainValue(false);
  }

  // ---------------------------------------------------------------------------------------------

  private static boolean isInternal(JavaClass type) {
    String p = type.getPackageName();
    return p.startsWith(ROOT + ".") && (p.endsWith(".internal") || p.contains(".internal."));
  }

  private static boolean isOkHttp(JavaClass type) {
    String p = type.getPackageName();
    return p.equals("okhttp3")
        || p.startsWith("okhttp3.")
        || p.equals("okio")
        || p.startsWith("okio.");
  }

  private static String moduleOf(JavaClass type) {
    return type.getPackageName().substring(ROOT.length() + 1).split("\\.", -1)[0];
  }

  /** Public, with every enclosing class public, in a package that is not internal. */
  private static boolean isPublishedApi(JavaClass type) {
    if (isInternal(type)) {
      return false;
    }
    Optional<JavaClass> c = Optional.of(type);
    while (c.isPresent()) {
      if (!c.get().getModifiers().contains(JavaModifier.PUBLIC)) {
        return false;
      }
      c = c.get().getEnclosingClass();
    }
    return true;
  }

  private static DescribedPredicate<JavaClass> arePublishedApi() {
    return DescribedPredicate.describe(
        "are public types of non-internal packages", ArchitectureTest::isPublishedApi);
  }

  private static boolean isVisibleMember(Set<JavaModifier> modifiers) {
    return (modifiers.contains(JavaModifier.PUBLIC) || modifiers.contains(JavaModifier.PROTECTED))
        && !modifiers.contains(JavaModifier.SYNTHETIC)
        && !modifiers.contains(JavaModifier.BRIDGE);
  }

  /** Every raw type in a code unit's signature, generic arguments and bounds included. */
  private static Set<JavaClass> involvedTypes(JavaCodeUnit unit) {
    Set<JavaClass> types = new LinkedHashSet<>(unit.getReturnType().getAllInvolvedRawTypes());
    for (JavaType parameter : unit.getParameterTypes()) {
      types.addAll(parameter.getAllInvolvedRawTypes());
    }
    for (ThrowsDeclaration<?> thrown : unit.getThrowsClause()) {
      types.add(thrown.getRawType());
    }
    for (JavaTypeVariable<?> variable : unit.getTypeParameters()) {
      types.addAll(variable.getAllInvolvedRawTypes());
    }
    return types;
  }

  /**
   * A condition on a published type: no type matching {@code forbidden} in its visible signature.
   * Methods named in {@code allowedMethodNames} may carry such types; members listed in {@code
   * tolerated} (full names) are known violations, reported by their own test instead.
   */
  private static ArchCondition<JavaClass> exposeNoTypeThat(
      String description,
      Predicate<JavaClass> forbidden,
      Set<String> allowedMethodNames,
      Set<String> tolerated) {
    return new ArchCondition<>("expose no type of " + description + " in their public signatures") {
      @Override
      public void check(JavaClass type, ConditionEvents events) {
        List<String> leaks = new ArrayList<>();
        type.getSuperclass()
            .ifPresent(s -> collect(leaks, "supertype", s.getAllInvolvedRawTypes(), forbidden));
        for (JavaType iface : type.getInterfaces()) {
          collect(leaks, "supertype", iface.getAllInvolvedRawTypes(), forbidden);
        }
        for (JavaTypeVariable<JavaClass> variable : type.getTypeParameters()) {
          collect(leaks, "type parameter", variable.getAllInvolvedRawTypes(), forbidden);
        }
        for (JavaField field : type.getFields()) {
          if (isVisibleMember(field.getModifiers())) {
            collect(
                leaks,
                "field " + field.getName(),
                field.getType().getAllInvolvedRawTypes(),
                forbidden);
          }
        }
        for (JavaCodeUnit unit : type.getCodeUnits()) {
          if (!isVisibleMember(unit.getModifiers())
              || allowedMethodNames.contains(unit.getName())
              || tolerated.contains(unit.getFullName())) {
            continue;
          }
          collect(leaks, unit.getFullName(), involvedTypes(unit), forbidden);
        }
        for (String leak : leaks) {
          events.add(SimpleConditionEvent.violated(type, type.getName() + ": " + leak));
        }
        if (leaks.isEmpty()) {
          events.add(SimpleConditionEvent.satisfied(type, type.getName() + " exposes none"));
        }
      }
    };
  }

  private static void collect(
      List<String> leaks, String where, Set<JavaClass> types, Predicate<JavaClass> forbidden) {
    for (JavaClass t : types) {
      if (forbidden.test(t)) {
        leaks.add(where + " exposes " + t.getName());
      }
    }
  }

  private static ArchCondition<JavaClass> onlyBeAccessedFromTheirOwnModule() {
    return new ArchCondition<>("only be accessed from their own module") {
      @Override
      public void check(JavaClass internal, ConditionEvents events) {
        String module = moduleOf(internal);
        internal.getDirectDependenciesToSelf().stream()
            .filter(d -> d.getOriginClass().getPackageName().startsWith(ROOT + "."))
            .filter(d -> !moduleOf(d.getOriginClass()).equals(module))
            .forEach(d -> events.add(SimpleConditionEvent.violated(d, d.getDescription())));
      }
    };
  }

  /**
   * Assigns each class to its unit: its package with any {@code .internal} suffix (and what is
   * below it) cut off, so {@code core.internal.path} belongs to {@code core}, and {@code
   * core.tier.internal} to {@code core.tier}.
   */
  private static final class PublicPackageUnits implements SliceAssignment {
    @Override
    public SliceIdentifier getIdentifierOf(JavaClass type) {
      if (!type.getPackageName().startsWith(ROOT + ".")) {
        return SliceIdentifier.ignore();
      }
      List<String> unit = new ArrayList<>();
      for (String segment : type.getPackageName().split("\\.", -1)) {
        if (segment.equals("internal")) {
          break;
        }
        unit.add(segment);
      }
      return SliceIdentifier.of(String.join(".", unit));
    }

    @Override
    public String getDescription() {
      return "packages of ai.vaultgemma, each public package with its internal packages";
    }
  }
}
