package org.gridpacs.archive.storage;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.nio.file.NoSuchFileException;

import org.junit.jupiter.api.Test;

class StorageFailuresTest {
    @Test
    void aRefusedOrTimedOutConnectionAnywhereInTheCausesIsTheStorageNotAnswering() {
        assertTrue(StorageFailures.unreachable(new ConnectException("Connection refused")));
        assertTrue(StorageFailures.unreachable(new IOException("GET failed",
                new UncheckedIOException(new SocketTimeoutException("connect timed out")))));
    }

    @Test
    void oneObjectThatCannotBeReadIsNot() {
        assertFalse(StorageFailures.unreachable(new NoSuchFileException("objects/1.2.3")));
        assertFalse(StorageFailures.unreachable(new IOException("checksum mismatch")));
    }
}
