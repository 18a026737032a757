package org.gridpacs.archive.query;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class WildcardsTest {
    @Test
    void likePatternsEscapeSqlWildcards() {
        assertEquals("SM_TH%", Wildcards.toLike("SM?TH*"));
        assertEquals("10!%!_off!!%", Wildcards.toLike("10%_off!*"));
        assertEquals("SM", Wildcards.literalPrefix("SM?TH*"));
        assertEquals("", Wildcards.literalPrefix("*X"));
    }

    @Test
    void prefixRangesAndUniversalValues() {
        assertEquals("SMJ", Wildcards.successor("SMI"));
        assertEquals("B", Wildcards.successor("A\uffff"));
        assertNull(Wildcards.successor("\uffff"));
        assertTrue(Wildcards.isUniversal("**"));
        assertTrue(Wildcards.isUniversal(""));
        assertFalse(Wildcards.isUniversal("*A"));
    }

    @Test
    void regexMatchesLikeDicomWildcards() {
        assertTrue(Wildcards.toRegex("SM?TH*").matcher("SMITH^JOHN").matches());
        assertFalse(Wildcards.toRegex("SM?TH*").matcher("SMTH").matches());
        assertTrue(Wildcards.toRegex("a.b*").matcher("a.bc").matches());
        assertFalse(Wildcards.toRegex("a.b*").matcher("axbc").matches(), "regex metacharacters are literal");
    }
}
