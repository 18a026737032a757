package org.gridpacs.archive.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.List;
import java.util.zip.CRC32C;

import org.junit.jupiter.api.Test;

class StorageProvidersTest {

    @Test
    void schemesComeFromTheRegistryAndTheClassPath() {
        assertEquals(List.of("file", "mem"), StorageProviders.standard().schemes());
        assertEquals(List.of(), new StorageProviders().schemes());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new StorageProviders().open("x", "/data", true));
        assertTrue(e.getMessage().contains("\"file:\""), e.getMessage());
    }

    @Test
    void aProviderRegisteredByTheCompositionRootServesItsScheme() throws IOException {
        StorageProviders providers = new StorageProviders().register(new StorageProvider() {
            @Override
            public String scheme() {
                return "Vault";
            }

            @Override
            public Storage open(String id, String location, boolean fsync) {
                return new MemoryStorageProvider().open(id, "mem:vault-" + location.substring(6), fsync);
            }
        });
        Storage s = providers.open("v1", "VAULT:a", true);
        StoredObject o = s.create(out -> out.write(new byte[] {1, 2, 3}));
        CRC32C crc = new CRC32C();
        crc.update(new byte[] {1, 2, 3});
        assertEquals(Checksums.format(crc), o.checksum());
        assertNull(((ChecksummingStorage) s).unwrap().create(out -> out.write(1)).checksum());
    }

    @Test
    void twoProvidersForOneSchemeAreAPackagingError() {
        StorageProviders providers = new StorageProviders().register(new MemoryStorageProvider());
        providers.register(new MemoryStorageProvider()); // the same one found twice is harmless
        assertThrows(IllegalArgumentException.class, () -> providers.register(new StorageProvider() {
            @Override
            public String scheme() {
                return "MEM";
            }

            @Override
            public Storage open(String id, String location, boolean fsync) {
                return null;
            }
        }));
    }

    @Test
    void checksumsAreComputedOnce() {
        Storage s = Storages.fromUri("m", "mem:once");
        assertSame(s, ChecksummingStorage.of(s));
    }

    @Test
    void aStorageThatKeepsOtherBytesThanWrittenIsRefused() {
        Storage lossy = ChecksummingStorage.of(new MemoryStorageProvider.MemoryStorage("lossy",
                new java.util.concurrent.ConcurrentHashMap<>()) {
            @Override
            public StoredObject create(ContentWriter writer) throws IOException {
                StoredObject o = super.create(writer);
                return new StoredObject(o.storageId(), o.key(), o.size() - 1, null);
            }
        });
        assertThrows(IOException.class, () -> lossy.create(out -> out.write(new byte[10])));
    }
}
