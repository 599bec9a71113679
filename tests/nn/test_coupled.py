"""CoupledCNN: the first dense layer grows with the length."""

from sklecg.nn import CoupledCNN, count_parameters


def test_parameter_count_of_whole_records():
    assert count_parameters(CoupledCNN(n_outputs=5, n_timesteps=9000)) == 18_476_901
