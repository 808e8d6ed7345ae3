package io.simfaasinfer.predictor.profile;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Fidelity of the profile model on the measured H100 profiles (figures quoted in docs/predictors.md). */
class ProfileAccuracyTest {

    @Test
    void leaveOneOutOnLlama2() {
        FitReport r = LeaveOneOut.run(Fixtures.llama2());
        System.out.println(r.toText());
        assertThat(r.points()).hasSize(76);
        assertThat(r.leaveOneOut().median()).isLessThanOrEqualTo(0.03);
        assertThat(r.leaveOneOut().max()).isLessThanOrEqualTo(0.10);
        // Measured: LOO median 0.64%, max 2.8%; in-sample median 0.52%, max 2.2%.
        assertThat(r.leaveOneOut().median()).isLessThan(0.01);
        assertThat(r.inSample().median()).isLessThan(0.01);
        assertThat(r.inSample().max()).isLessThan(0.03);
    }

    @Test
    void leaveOneOutOnLlama3() {
        FitReport r = LeaveOneOut.run(Fixtures.llama3());
        System.out.println(r.toText());
        assertThat(r.points()).hasSize(83);
        assertThat(r.leaveOneOut().median()).isLessThanOrEqualTo(0.03);
        assertThat(r.leaveOneOut().max()).isLessThanOrEqualTo(0.10);
        assertThat(r.leaveOneOut().median()).isLessThan(0.01);
        assertThat(r.inSample().median()).isLessThan(0.01);
        assertThat(r.inSample().max()).isLessThan(0.05);
    }
}
