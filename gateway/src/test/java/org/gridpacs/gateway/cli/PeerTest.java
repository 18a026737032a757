package org.gridpacs.gateway.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class PeerTest {
    @Test
    void parsesAETHostPort() {
        assertEquals(new Peer("ORTHANC", "pacs.example.org", 4242), Peer.parse("ORTHANC@pacs.example.org:4242"));
        assertEquals(new Peer("A", "::1", 104), Peer.parse("A@[::1]:104"));
        assertEquals("A@[::1]:104", Peer.parse("A@[::1]:104").toString());
        assertEquals(new Peer("MY AE", "10.0.0.1", 11112), Peer.parse(" MY AE@10.0.0.1:11112 "));
    }

    @Test
    void saysWhatIsWrong() {
        assertEquals("expected AET@HOST:PORT (for example ORTHANC@pacs.example.org:4242), got \"host:104\": "
                + "no '@' between AE title and host", message("host:104"));
        assertEquals("empty AE title", message("@host:104"));
        assertEquals("no port in \"host\" (expected AET@HOST:PORT)", message("A@host"));
        assertEquals("no host in \":104\" (expected AET@HOST:PORT)", message("A@:104"));
        assertEquals("port \"abc\" is not a number", message("A@host:abc"));
        assertEquals("port 0 is outside 1..65535", message("A@host:0"));
        assertEquals("AE title \"ABCDEFGHIJKLMNOPQ\" is longer than 16 characters", message("ABCDEFGHIJKLMNOPQ@h:1"));
        assertEquals("AE title \"A\\B\" contains a backslash or a non-printable character", message("A\\B@h:1"));
    }

    @Test
    void receiveBindDefaultsToPort11112() {
        assertEquals(new ReceiveCommand.Bind("RECV", null, 11112), ReceiveCommand.Bind.parse("RECV"));
        assertEquals(new ReceiveCommand.Bind("RECV", null, 104), ReceiveCommand.Bind.parse("RECV:104"));
        assertEquals(new ReceiveCommand.Bind("RECV", "127.0.0.1", 104), ReceiveCommand.Bind.parse("RECV@127.0.0.1:104"));
        assertEquals(new ReceiveCommand.Bind("RECV", "127.0.0.1", 11112), ReceiveCommand.Bind.parse("RECV@127.0.0.1"));
    }

    private static String message(String s) {
        return assertThrows(IllegalArgumentException.class, () -> Peer.parse(s)).getMessage();
    }
}
