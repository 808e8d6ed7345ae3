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
        // Measured: LOO median 0.53%, max 1.78% (issue 15 target <= 4%; before the 128/512 knots:
        // 0.64%, 2.79%); in-sample median 0.41%, max 1.63%.
        assertThat(r.leaveOneOut().max()).isLessThan(0.02);
        assertThat(r.leaveOneOut().median()).isLessThan(0.006);
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
        // Measured: LOO median 0.32%, max 1.93% (before: 0.42%, 4.54% at 512-token prefills, where one
        // chord over [256, 1024) tokens overestimated the convex memory-to-compute ramp).
        assertThat(r.leaveOneOut().max()).isLessThan(0.02);
        assertThat(r.leaveOneOut().median()).isLessThan(0.004);
        assertThat(r.inSample().median()).isLessThan(0.01);
        assertThat(r.inSample().max()).isLessThan(0.02);
    }
}
