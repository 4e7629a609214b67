{#- P(X > statistic) for X chi-square with `degrees` degrees of freedom: exact for 1 (through
    the normal tail of sqrt(statistic)) and 2 (exp(-statistic / 2)) degrees, the Wilson-Hilferty
    cube-root approximation from 3 on (an experiment with four or more variants). -#}
{% macro chi_square_p_value(statistic, degrees) -%}
    case
        when {{ degrees }} = 1 then {{ normal_two_sided_p_value('sqrt(' ~ statistic ~ ')') }}
        when {{ degrees }} = 2 then exp(-0.5 * {{ statistic }})
        when {{ degrees }} >= 3 then
            case
                when power({{ statistic }} / {{ degrees }}, 1.0 / 3) >= 1 - 2.0 / (9 * {{ degrees }})
                    then {{ normal_upper_tail('(power(' ~ statistic ~ ' / ' ~ degrees ~ ', 1.0 / 3) - (1 - 2.0 / (9 * '
                        ~ degrees ~ '))) / sqrt(2.0 / (9 * ' ~ degrees ~ '))') }}
                else 1 - {{ normal_upper_tail('(power(' ~ statistic ~ ' / ' ~ degrees ~ ', 1.0 / 3) - (1 - 2.0 / (9 * '
                        ~ degrees ~ '))) / sqrt(2.0 / (9 * ' ~ degrees ~ '))') }}
            end
    end
{%- endmacro %}
