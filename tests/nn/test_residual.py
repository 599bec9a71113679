"""ResidualCNN: the flattened size, and so the count, grows with the length."""

from sklecg.nn import ResidualCNN, count_parameters


def test_parameter_count_of_whole_records():
    assert count_parameters(ResidualCNN(n_outputs=5, n_timesteps=9000)) == 337_637
