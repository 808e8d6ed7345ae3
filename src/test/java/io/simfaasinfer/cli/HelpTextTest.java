package io.simfaasinfer.cli;

import io.simfaasinfer.report.TextWrap;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Every command's --help renders cleanly and wraps; long report lines wrap, whole words kept. */
class HelpTextTest {

    @ParameterizedTest(name = "{0} --help")
    @ValueSource(strings = {"", "run", "compare", "predict", "profile", "profile inspect", "catalog", "serverless",
        "serverless compare", "trace", "plan", "sweep", "sweep export", "sweep plot"})
    void helpWrapsAt80ColumnsWithoutFormatWarnings(String command) {
        String[] args = (command.isEmpty() ? "--help" : command + " --help").split(" ");
        var run = BadConfigTest.exec(args);
        assertThat(run.code()).as(run.err()).isZero();
        assertThat(run.err()).as("picocli format warnings").isEmpty();
        assertThat(run.out()).isNotBlank();
        assertThat(run.out().lines()).allSatisfy(l -> assertThat(l.length()).as(l).isLessThanOrEqualTo(80));
    }

    @Test
    void theVersionPrintsAloneAndTheTopLevelHelpStillListsEveryCommand() {
        for (String flag : new String[]{"--version", "-V"}) {
            var run = BadConfigTest.exec(flag);
            assertThat(run.code()).as(run.err()).isZero();
            assertThat(run.out().strip()).isEqualTo("SimFaaSInfer 0.1.0");
            assertThat(run.err()).isEmpty();
        }
        var help = BadConfigTest.exec("--help");
        assertThat(help.out()).contains(Main.SUBCOMMANDS.stream().filter(c -> !c.equals("help")).toList());
    }

    @Test
    void longReportLinesWrapAtSpacesWithAnIndentAndShortOnesStay() {
        String longLine = "predictor: " + "word ".repeat(40).strip();
        String wrapped = TextWrap.wrap("short line\n" + longLine + "\n", 30);
        assertThat(wrapped).startsWith("short line\npredictor: word");
        assertThat(wrapped.lines()).allSatisfy(l -> assertThat(l.length()).isLessThanOrEqualTo(30));
        assertThat(wrapped.lines().skip(2)).allSatisfy(l -> assertThat(l).startsWith("    word"));
        assertThat(wrapped.replace("\n    ", " ")).isEqualTo("short line\n" + longLine + "\n");
        String path = "file: /" + "x".repeat(60);
        assertThat(TextWrap.wrap(path, 30)).as("a word longer than the width stays whole")
                .isEqualTo("file:\n    /" + "x".repeat(60));
    }

    @Test
    void runsSummaryFitsItsWidth() {
        var run = BadConfigTest.exec("run", "--num-requests", "20");
        assertThat(run.code()).as(run.err()).isZero();
        assertThat(run.out().lines()).allSatisfy(l -> assertThat(l.length()).as(l).isLessThanOrEqualTo(TextWrap.WIDTH));
        assertThat(run.out()).contains("predictor: ");
    }
}
