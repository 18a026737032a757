package org.gridpacs.dicom.testutil;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.junit.jupiter.api.Tag;

/**
 * Marks a process-level test class or method: one that starts operating-system processes (DCMTK tools, Orthanc,
 * HAProxy, node or member JVMs, scripts) or that runs for minutes (crash, failover and disaster tests). It carries
 * the JUnit tag {@value #TAG}, which the default build leaves out ({@code mvn test}, the fast set) and
 * {@code ./scripts/test} includes ({@code -Pall-tests}); {@code -Pprocess-tests} runs these alone, and naming a
 * test with {@code -Dtest=...} runs it whatever its tag. See the parent pom's surefire configuration.
 */
@Target({ElementType.TYPE, ElementType.METHOD, ElementType.ANNOTATION_TYPE})
@Retention(RetentionPolicy.RUNTIME)
@Tag(ProcessTest.TAG)
public @interface ProcessTest {
    /** The JUnit tag, as surefire's groups and excludedGroups name it. */
    String TAG = "process";
}
