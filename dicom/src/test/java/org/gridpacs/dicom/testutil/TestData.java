package org.gridpacs.dicom.testutil;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** Real DICOM files from Debian's python3-pydicom (installed by scripts/test). */
public final class TestData {
    public static final Path PYDICOM_DATA = Path.of("/usr/lib/python3/dist-packages/pydicom/data");

    private TestData() {
    }

    /** Every file of pydicom's test_files and charset_files folders (not its Python or text files). */
    public static List<Path> pydicomCorpus() throws IOException {
        if (!Files.isDirectory(PYDICOM_DATA.resolve("test_files"))) {
            throw new IllegalStateException("pydicom's test files are missing: run ./scripts/test, which installs python3-pydicom");
        }
        try (Stream<Path> s = Stream.concat(Files.walk(PYDICOM_DATA.resolve("test_files")),
                Files.walk(PYDICOM_DATA.resolve("charset_files")))) {
            return s.filter(Files::isRegularFile)
                    .filter(p -> !p.toString().matches(".*\\.(py|pyc|txt|json|gz|bz2|xz|zip|md|html|xml)$"))
                    .sorted()
                    .toList();
        }
    }

    /** One file of the corpus by name. */
    public static Path pydicomFile(String name) throws IOException {
        return pydicomCorpus().stream().filter(p -> p.getFileName().toString().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalStateException("pydicom test file " + name + " not found"));
    }
}
