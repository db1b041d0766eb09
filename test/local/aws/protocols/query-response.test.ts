/** The query protocol's XML envelopes, as ELBv2 sends them. */
import { queryErrorXml, queryResultXml } from '../../../../local/aws/protocols/query-response';
import { AwsError } from '../../../../local/aws/service';

const XMLNS = 'http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/';

it('encodes lists as member elements, dates as ISO-8601 and escapes text', () => {
  const xml = queryResultXml(
    'DescribeTags',
    { TagDescriptions: [{ ResourceArn: 'arn', Tags: [{ Key: 'a<b', Value: '"&"' }] }], When: new Date(0), Flag: false },
    'req-1',
    XMLNS,
  );
  expect(xml).toBe(
    `<DescribeTagsResponse xmlns="${XMLNS}"><DescribeTagsResult>` +
      '<TagDescriptions><member><ResourceArn>arn</ResourceArn><Tags><member><Key>a&#60;b</Key><Value>&#34;&#38;&#34;</Value></member></Tags></member></TagDescriptions>' +
      '<When>1970-01-01T00:00:00.000Z</When><Flag>false</Flag>' +
      '</DescribeTagsResult><ResponseMetadata><RequestId>req-1</RequestId></ResponseMetadata></DescribeTagsResponse>',
  );
});

it('encodes client errors as Sender and server errors as Receiver', () => {
  expect(queryErrorXml(new AwsError('ResourceInUse', 'in use'), 'r', XMLNS)).toBe(
    `<ErrorResponse xmlns="${XMLNS}"><Error><Type>Sender</Type><Code>ResourceInUse</Code><Message>in use</Message></Error><RequestId>r</RequestId></ErrorResponse>`,
  );
  expect(queryErrorXml(new AwsError('InternalFailure', 'boom', 500), 'r', XMLNS)).toContain('<Type>Receiver</Type>');
});
